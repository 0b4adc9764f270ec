package org.gan4j.nn;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.LayoutOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Dropout masks for CPU tensors, drawn in Java: each element is 0 with probability p and
 * 1 / (1 - p) otherwise. Each block of the mask has its own stream, the one
 * {@code java.util.SplittableRandom} gives for a seed drawn once per mask from libtorch's
 * generator and mixed with the block's index (so a mask depends on torch's seed alone); one
 * 64-bit draw gives four elements through 16-bit thresholds (p is kept to within 1/131072;
 * the scale is torch.nn.Dropout's 1 / (1 - p)).
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** Elements per block, each block from its own stream. */
    private static final int BLOCK = 1 << 16;
    /** SplittableRandom's increment: its i-th draw (from 1) for seed s is mix64(s + i * GAMMA). */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** (j + 1) * GAMMA, so that the draws' loop reads arrays only and the JIT vectorizes it. */
    private static final long[] STEPS = new long[BLOCK / 4 + 1];

    static {
        for (int j = 0; j < STEPS.length; j++) {
            STEPS[j] = (j + 1) * GAMMA;
        }
    }

    /**
     * Per-thread staging: the draws, then the mask's two halves as pairs of floats, and x's two
     * halves, each read from index 0 (one array read at j and q + j, with q not a constant, keeps
     * C2 from vectorizing the loop: 780 vs 350 us for 64x64x14x14, seen here).
     */
    private static final class Stage {
        final long[] draws = new long[BLOCK / 4];
        final long[] low = new long[BLOCK / 4];
        final long[] high = new long[BLOCK / 4];
        final long[] xLow = new long[BLOCK / 4];
        final long[] xHigh = new long[BLOCK / 4];
    }

    private static final ThreadLocal<Stage> STAGE = ThreadLocal.withInitial(Stage::new);

    /** Where set, this thread's masks take their seeds from it instead of torch's generator. */
    private static final ThreadLocal<SplittableRandom> STREAM = new ThreadLocal<>();

    /** Seeds this thread's masks from {@code stream} (null: torch's generator); returns the previous one. */
    public static SplittableRandom useStream(SplittableRandom stream) {
        SplittableRandom previous = STREAM.get();
        if (stream == null) {
            STREAM.remove();
        } else {
            STREAM.set(stream);
        }
        return previous;
    }

    /** A mask's seed: from this thread's stream where set, else one draw of torch's generator. */
    public static long seed() {
        SplittableRandom s = STREAM.get();
        return s != null ? s.nextLong() >>> 1 : torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
    }

    /** A float32 mask shaped like {@code x}. */
    public static Tensor draw(Tensor x, double p) {
        return draw(x, p, 1, false);
    }

    /**
     * A float32 mask shaped like float32 {@code x} (dense, NCHW or channels-last) with leaky
     * ReLU's slope folded in: 0 where dropped, 1 / (1 - p) where kept and x &gt; 0, slope / (1 -
     * p) where kept and x &lt;= 0; the same draws as {@link #draw}. {@code x * mask} is then
     * leaky_relu(dropout(x)) in one product, and its backward is one product too.
     */
    public static Tensor drawWithSlope(Tensor x, double p, double slope) {
        return draw(x, p, slope, true);
    }

    private static Tensor draw(Tensor x, double p, double slope, boolean withSlope) {
        int threshold = (int) Math.round(p * 65536);
        int keep = Float.floatToRawIntBits((float) (1 / (1 - p)));
        int keepSloped = Float.floatToRawIntBits((float) (slope / (1 - p)));
        long seed = seed();
        // laid out as x (channels-last too), so that x * mask runs over both in memory order
        Tensor mask = torch.empty_like(x, new ScalarTypeOptional(torch.ScalarType.Float), new LayoutOptional(),
                new DeviceOptional(), new BoolOptional(), new MemoryFormatOptional(torch.MemoryFormat.Preserve));
        long n = mask.numel();
        BytePointer memory = new BytePointer(mask.data_ptr_float()).capacity(n * Float.BYTES);
        LongBuffer pairs = memory.asBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
        IntBuffer single = memory.asBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
        LongBuffer xPairs = null;
        IntBuffer xSingle = null;
        if (withSlope) {
            BytePointer xm = new BytePointer(x.data_ptr_float()).capacity(n * Float.BYTES);
            xPairs = xm.asBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
            xSingle = xm.asBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
        }
        Stage stage = STAGE.get();
        // one thread: a second one only contends with libtorch's worker, which spins between
        // parallel regions (a D forward + backward took longer with two; seen here)
        for (long from = 0; from < n; from += BLOCK) {
            int len = (int) Math.min(BLOCK, n - from);
            long blockSeed = seed ^ (GAMMA * (from / BLOCK + 1));
            if (withSlope) {
                fillSloped(stage, pairs, single, xPairs, xSingle, from, len, blockSeed, threshold, keep, keepSloped);
            } else {
                fill(stage, pairs, single, from, len, blockSeed, threshold, keep);
            }
        }
        return mask;
    }

    /**
     * One block of {@code len} elements from {@code from} (a multiple of BLOCK, so even): with
     * q = len / 4 draws, the first 2q elements take the low 32 bits of draws 0..q-1 (two
     * elements each), the next 2q their high 32 bits; a tail of len % 4 takes draw q. Three
     * short loops over arrays, which C2 vectorizes (one loop writing four elements per draw in
     * order does not vectorize and took 3.5x as long: 0.51 vs 0.15 ms for 64x64x14x14).
     */
    private static void fill(Stage s, LongBuffer pairs, IntBuffer single, long from, int len, long seed,
            int threshold, int k) {
        int q = len / 4;
        long[] d = s.draws;
        long[] steps = STEPS;
        for (int j = 0; j < q; j++) {
            d[j] = mix64(seed + steps[j]);
        }
        long t = threshold;
        long k0 = k & 0xFFFFFFFFL;
        long k1 = (long) k << 32;
        long[] low = s.low;
        long[] high = s.high;
        // branch-free: a dropped element's 16 bits minus the threshold are negative, and the
        // sign spread over 64 bits clears keep's bits
        for (int j = 0; j < q; j++) {
            long z = d[j];
            low[j] = ~((z & 0xFFFF) - t >> 63) & k0 | ~((z >>> 16 & 0xFFFF) - t >> 63) & k1;
        }
        for (int j = 0; j < q; j++) {
            long z = d[j] >>> 32;
            high[j] = ~((z & 0xFFFF) - t >> 63) & k0 | ~((z >>> 16) - t >> 63) & k1;
        }
        pairs.put((int) (from / 2), low, 0, q);
        pairs.put((int) (from / 2) + q, high, 0, q);
        long bits = mix64(seed + steps[q]);
        for (int i = 4 * q; i < len; i++, bits >>>= 16) {
            single.put((int) from + i, k & ~(((int) bits & 0xFFFF) - threshold >> 31));
        }
    }

    /**
     * {@link #fill} where each kept element takes {@code ks} instead of {@code k} where x's
     * element is negative (its sign bit, read from x's memory in the same order), the choice
     * branch-free. Kept apart from {@link #fill}: one loop doing both (x's bits ignored where ks
     * == k) made plain masks 3x slower (64x64x14x14: 216 -> 680 us, seen here). This one takes
     * ~350 us there, the extra ~80 us the read of x.
     */
    private static void fillSloped(Stage s, LongBuffer pairs, IntBuffer single, LongBuffer xPairs, IntBuffer xSingle,
            long from, int len, long seed, int threshold, int k, int ks) {
        int q = len / 4;
        long[] d = s.draws;
        long[] steps = STEPS;
        for (int j = 0; j < q; j++) {
            d[j] = mix64(seed + steps[j]);
        }
        long[] xLow = s.xLow;
        long[] xHigh = s.xHigh;
        xPairs.get((int) (from / 2), xLow, 0, q);
        xPairs.get((int) (from / 2) + q, xHigh, 0, q);
        long t = threshold;
        long k0 = k & 0xFFFFFFFFL;
        long k1 = (long) k << 32;
        long d0 = (k ^ ks) & 0xFFFFFFFFL;
        long d1 = (long) (k ^ ks) << 32;
        long[] low = s.low;
        long[] high = s.high;
        for (int j = 0; j < q; j++) {
            long z = d[j];
            long xp = xLow[j];
            // a negative low (high) float spreads its sign over 64 bits and swaps k for ks there
            long c0 = k0 ^ d0 & (xp << 32 >> 63);
            long c1 = k1 ^ d1 & (xp >> 63);
            low[j] = ~((z & 0xFFFF) - t >> 63) & c0 | ~((z >>> 16 & 0xFFFF) - t >> 63) & c1;
        }
        for (int j = 0; j < q; j++) {
            long z = d[j] >>> 32;
            long xp = xHigh[j];
            long c0 = k0 ^ d0 & (xp << 32 >> 63);
            long c1 = k1 ^ d1 & (xp >> 63);
            high[j] = ~((z & 0xFFFF) - t >> 63) & c0 | ~((z >>> 16) - t >> 63) & c1;
        }
        pairs.put((int) (from / 2), low, 0, q);
        pairs.put((int) (from / 2) + q, high, 0, q);
        long bits = mix64(seed + steps[q]);
        for (int i = 4 * q; i < len; i++, bits >>>= 16) {
            int c = k ^ (k ^ ks) & (xSingle.get((int) from + i) >> 31);
            single.put((int) from + i, c & ~(((int) bits & 0xFFFF) - threshold >> 31));
        }
    }

    /** SplittableRandom's output function. */
    private static long mix64(long z) {
        z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
        z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
        return z ^ z >>> 31;
    }
}
