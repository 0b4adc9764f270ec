package org.gan4j.nn;

import static org.bytedeco.pytorch.global.torch.getDefaultCPUGenerator;
import static org.bytedeco.pytorch.global.torch.manual_seed;


/**
 * One seed drives torch, the data order and Java's own randomness. Each training step reseeds
 * torch from (seed, step), so a resumed run draws exactly what an uninterrupted one would
 * without saving any generator state.
 */
public final class Seeds {
    private Seeds() {
    }

    public static void seedTorch(long seed) {
        Natives.load(); // mix() stays plain Java for the data code, so no static initialiser here
        manual_seed(seed);
    }

    /** Reseeds torch for one step of a run: a SplitMix64 mix keeps nearby (seed, step) apart. */
    public static void seedStep(long seed, long step) {
        Natives.load();
        manual_seed(mix(seed, step) & Long.MAX_VALUE);
    }

    /** A well-spread 64-bit value derived from two (SplitMix64 finaliser). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The default CPU generator's state, for callers that want to inspect it. */
    public static long currentSeed() {
        Natives.load();
        return getDefaultCPUGenerator().current_seed();
    }
}
