package org.gan4j.nn;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Dropout masks for CPU tensors, drawn in Java: each element is 0 with probability p and
 * 1 / (1 - p) otherwise. One 64-bit draw gives four elements (16-bit thresholds: p is kept to
 * within 1/131072; the scale is torch.nn.Dropout's 1 / (1 - p)); each block of the mask comes
 * from its own generator seeded by one draw from libtorch's generator, so a mask depends on
 * torch's seed alone.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** Elements per block, each drawn from its own generator (masks stay those of earlier gan4j). */
    private static final int BLOCK = 1 << 16;

    /** Whether the first of two floats is the lower half of a long. */
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** A float32 mask shaped like {@code x}. */
    public static Tensor draw(Tensor x, double p) {
        int threshold = (int) Math.round(p * 65536);
        float keep = (float) (1 / (1 - p));
        long seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
        Tensor mask = torch.empty(x.sizes().vec().get());
        long n = mask.numel();
        FloatPointer data = mask.data_ptr_float();
        // two floats per 64-bit store: half the stores of a FloatBuffer
        LongBuffer pairs = new BytePointer(data).capacity(n * Float.BYTES).asBuffer()
                .order(ByteOrder.nativeOrder()).asLongBuffer();
        FloatBuffer floats = data.capacity(n).asBuffer();
        int blocks = (int) ((n + BLOCK - 1) / BLOCK);
        // one thread: a second one only contends with libtorch's worker, which spins between
        // parallel regions (a D forward + backward took longer with two; seen here)
        for (int b = 0; b < blocks; b++) {
            fill(pairs, floats, b, n, seed, threshold, keep);
        }
        return mask;
    }

    private static void fill(LongBuffer pairs, FloatBuffer floats, int block, long n, long seed, int threshold,
                             float keep) {
        SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (block + 1)));
        int i = block * BLOCK;
        int end = (int) Math.min(n, (long) i + BLOCK);
        int k = Float.floatToRawIntBits(keep);
        long kk = k & 0xFFFFFFFFL;
        // branch-free (a dropped element's draw minus the threshold is negative: its sign bit
        // clears keep's bits) and unrolled by hand: 4x faster than a loop with a branch
        for (; i + 4 <= end; i += 4) {
            long bits = r.nextLong();
            int lo = (int) bits;
            int hi = (int) (bits >>> 32);
            long e0 = kk & ~((lo & 0xFFFF) - threshold >> 31);
            long e1 = kk & ~((lo >>> 16) - threshold >> 31);
            long e2 = kk & ~((hi & 0xFFFF) - threshold >> 31);
            long e3 = kk & ~((hi >>> 16) - threshold >> 31);
            pairs.put(i >> 1, LITTLE ? e0 | e1 << 32 : e1 | e0 << 32);
            pairs.put((i >> 1) + 1, LITTLE ? e2 | e3 << 32 : e3 | e2 << 32);
        }
        for (long bits = r.nextLong(); i < end; i++, bits >>>= 16) {
            floats.put(i, Float.intBitsToFloat(k & ~(((int) bits & 0xFFFF) - threshold >> 31)));
        }
    }
}
