package org.gan4j.nn;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
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

    /**
     * Per-thread staging block, copied into the tensor in bulk: 0.61 ms for 64x64x14x14 against
     * 0.78 writing the tensor's memory directly (fresh, uncached lines; seen here).
     */
    private static final ThreadLocal<int[]> STAGE = ThreadLocal.withInitial(() -> new int[BLOCK]);

    /** A float32 mask shaped like {@code x}. */
    public static Tensor draw(Tensor x, double p) {
        int threshold = (int) Math.round(p * 65536);
        int keep = Float.floatToRawIntBits((float) (1 / (1 - p)));
        long seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
        // laid out as x (channels-last too), so that x * mask runs over both in memory order
        Tensor mask = torch.empty_like(x, new ScalarTypeOptional(torch.ScalarType.Float), new LayoutOptional(),
                new DeviceOptional(), new BoolOptional(), new MemoryFormatOptional(torch.MemoryFormat.Preserve));
        long n = mask.numel();
        IntBuffer out = new BytePointer(mask.data_ptr_float()).capacity(n * Float.BYTES).asBuffer()
                .order(ByteOrder.nativeOrder()).asIntBuffer();
        int[] stage = STAGE.get();
        // one thread: a second one only contends with libtorch's worker, which spins between
        // parallel regions (a D forward + backward took longer with two; seen here)
        for (int from = 0; from < n; from += BLOCK) {
            int len = (int) Math.min(BLOCK, n - from);
            fill(stage, len, seed ^ (0x9E3779B97F4A7C15L * (from / BLOCK + 1)), threshold, keep);
            out.put(from, stage, 0, len);
        }
        return mask;
    }

    private static void fill(int[] c, int len, long seed, int threshold, int k) {
        SplittableRandom r = new SplittableRandom(seed);
        int i = 0;
        // branch-free (a dropped element's draw minus the threshold is negative: its sign bit
        // clears keep's bits) and unrolled by hand: 4x faster than a loop with a branch
        for (; i + 4 <= len; i += 4) {
            long bits = r.nextLong();
            int lo = (int) bits;
            int hi = (int) (bits >>> 32);
            c[i] = k & ~((lo & 0xFFFF) - threshold >> 31);
            c[i + 1] = k & ~((lo >>> 16) - threshold >> 31);
            c[i + 2] = k & ~((hi & 0xFFFF) - threshold >> 31);
            c[i + 3] = k & ~((hi >>> 16) - threshold >> 31);
        }
        for (long bits = r.nextLong(); i < len; i++, bits >>>= 16) {
            c[i] = k & ~(((int) bits & 0xFFFF) - threshold >> 31);
        }
    }
}
