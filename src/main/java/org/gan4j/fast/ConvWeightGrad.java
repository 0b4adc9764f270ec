package org.gan4j.fast;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A bf16 CPU convolution's weight gradient computed as a forward convolution after the backward
 * ({@link DeferredGrads}). oneDNN 3.7's bf16 backward-weights kernel for AVX-512 without AMX
 * (jit_bf16) runs at about float32's rate while its forward kernels run at twice that: DCGAN-28's
 * 256->128 layer, batch 64, two threads on Zen 5, forward 5.1-5.4 ms, weight gradient 11-17 ms,
 * the same gradient as a forward convolution 6.4-6.6 ms with its copies (seen here). The weight
 * gradient of a convolution is a correlation of its input with its output's gradient, batch and
 * channels swapped: the layer runs its forward with the weight detached, keeps the output's
 * gradient, and computes that correlation when the caller finishes.
 */
final class ConvWeightGrad {
    /**
     * Input times output channels below which the two transposed copies cost more than the faster
     * kernel saves: 128->64 gains 1.2 ms, 64->16 loses 0.5 ms (batch 64, seen here).
     */
    static final long MIN_CHANNEL_PRODUCT = 8192;

    /** How the layer's weight relates to the convolution the forward ran. */
    enum Kind {
        /** conv2d(x, w): the weight's gradient is correlate(x, gy) with channels swapped. */
        CONV,
        /** conv_transpose2d(x, w): correlate(gy, x), channels swapped. */
        TRANSPOSED,
        /** conv2d(x, w.transpose(0, 1).flip(2, 3)), a stride-1 transposed one: correlate(x, gy) flipped. */
        FLIPPED
    }

    private ConvWeightGrad() {
    }

    /**
     * Whether a layer with these channels defers its weight gradient for an input x: a
     * collection open, bf16 autocast on the CPU, a weight and an input that need gradients, and
     * channel counts and batch on oneDNN's 16-block. The batch becomes the correlation's input
     * channels, and oneDNN's bf16 kernels go wrong below that block there too (a 1x1 layer's
     * gradient at batch 4 and 8: 83% and 59% off; 16 and up: bf16 rounding; seen here).
     */
    static boolean applies(DeferredGrads grads, Tensor x, Tensor weight, long in, long out) {
        return grads != null && grads.isOpen() && x.is_cpu() && torch.is_autocast_enabled(x.device().type())
                && weight.requires_grad() && x.requires_grad() && GradMode.is_enabled()
                && in * out >= MIN_CHANNEL_PRODUCT && in % 16 == 0 && out % 16 == 0 && x.size(0) % 16 == 0;
    }

    /**
     * Registers {@code weight}'s gradient for the convolution that took {@code x} (bf16, as the
     * forward read it) to {@code y} with stride s and padding p, to be added at
     * {@link DeferredGrads#finish}.
     */
    static void defer(DeferredGrads grads, Kind kind, Tensor weight, Tensor x, Tensor y, long s, long p) {
        y.retain_grad();
        long k = weight.size(2);
        grads.add(() -> {
            Tensor gy = y.grad();
            if (!gy.defined()) {
                return;
            }
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor g = switch (kind) {
                    case CONV -> correlate(x, gy, s, p, k).transpose(0, 1);
                    case TRANSPOSED -> correlate(gy, x, s, p, k).transpose(0, 1);
                    case FLIPPED -> correlate(x, gy, s, p, k).flip(new long[] {2, 3});
                };
                if (weight.grad().defined()) {
                    weight.grad().add_(g);
                } else {
                    // float32 in the weight's own layout, as autograd would have left it
                    weight.mutable_grad().put(torch.empty_like(weight).copy_(g));
                }
            }
        });
    }

    /**
     * c[j, m, u, v] = sum over n, h, w of a[n, j, s h + u - p, s w + v - p] b[n, m, h, w] for
     * u, v < k (a is zero past its edges): a convolution of a's channels taken as a batch by b's
     * channels taken as filters, both over the batch, b dilated by s.
     */
    static Tensor correlate(Tensor a, Tensor b, long s, long p, long k) {
        Tensor c = torch.conv2d(a.transpose(0, 1), b.transpose(0, 1), new TensorOptional(), new long[] {1, 1},
                new long[] {p, p}, new long[] {s, s}, 1);
        return c.size(2) == k && c.size(3) == k ? c : c.narrow(2, 0, k).narrow(3, 0, k);
    }
}
