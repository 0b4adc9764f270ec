package org.gan4j.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;

/**
 * One convolution layer's forward and backward against the same map in float64: for the output,
 * the input gradient (where x needs one) and the weight gradient, the error as a share of its
 * bound, so that each is at most 1.
 * <ul>
 * <li>float32: every result is a sum of n products (and the bias), within
 * {@link Rounding#sumFactor} (u = 2^-24) of the sum S of their absolute values in any order of
 * summation, element by element; S and n come from the float64 map on |x|, |w|, |b|, |g| and on
 * ones.
 * <li>bf16 autocast: x, w, b and the output gradient are rounded to bf16 (u = 2^-8), products of
 * bf16 are exact in float32, and the result is rounded to bf16 m times on the way: once, after
 * each tap col2im adds, or after each of the N samples of a weight gradient where oneDNN has no
 * bf16 kernel (libtorch's slow paths), m <= N + 1. With each rounding error of mean 0 and
 * variance u^2 / 3 of what it rounds, and partial sums no larger than the result, the mean
 * |error| over the mean |result| is about u sqrt((2 + m) / 3): 0.98% for N = 16. The bound is
 * twice that, for the mean of a few elements (a 1->3 layer has 3 weights) straying above its
 * expectation. Elementwise worst-case bounds for bf16 (m u S, S some 50 times the result in a
 * layer of 2,500-term sums) would be larger than the results.
 * </ul>
 */
public final class Float64Check {
    private Float64Check() {
    }

    /** Each error over its bound; {@code inputGradient} is 0 where x needs no gradient. */
    public record Errors(double output, double inputGradient, double weightGradient) {
    }

    /** The layer's geometry, which the float64 map repeats. */
    public record Geometry(boolean transposed, long stride, long padding, long outputPadding) {
        public static Geometry conv(long stride, long padding) {
            return new Geometry(false, stride, padding, 0);
        }
    }

    /** Mean |got - want| over mean |want|. */
    public static double rel(Tensor got, Tensor want) {
        double scale = Math.max(Double.MIN_NORMAL, want.abs().mean().item_double());
        return got.to(torch.ScalarType.Double).sub(want).abs().mean().item_double() / scale;
    }

    /** {@code conv} on x (under bf16 autocast where {@code bf16}), backward from a random gradient. */
    public static Errors of(Layers.Conv2d conv, Geometry geo, Tensor x, boolean bf16) {
        Tensor y;
        try (Autocast ac = Autocast.bf16(bf16, x.device())) {
            y = conv.forward(x);
        }
        Tensor g = torch.randn(y.sizes().vec().get());
        y.to(torch.ScalarType.Float).mul(g).sum().backward();
        Tensor b = conv.bias != null ? conv.bias : torch.zeros(conv.weight.size(geo.transposed() ? 1 : 0));
        Tensor[] want = map(geo, f64(x), f64(conv.weight), f64(b), f64(g));
        Tensor[] got = {y, x.requires_grad() ? x.grad() : null, conv.weight.grad()};
        double[] share = new double[3];
        if (bf16) {
            double bar = 2 * Rounding.U_BF16 * Math.sqrt((2 + x.size(0) + 1) / 3.0);
            for (int i = 0; i < 3; i++) {
                share[i] = got[i] == null ? 0 : rel(got[i], want[i]) / bar;
            }
        } else {
            Tensor[] abs = map(geo, f64(x).abs(), f64(conv.weight).abs(), f64(b).abs(), f64(g).abs());
            Tensor[] count = map(geo, ones(x), ones(conv.weight), conv.bias != null ? ones(b) : f64(b), ones(g));
            for (int i = 0; i < 3; i++) {
                if (got[i] != null) {
                    Tensor bound = Rounding.sumFactor(count[i], Rounding.U32).mul(abs[i]);
                    Tensor err = f64(got[i]).sub(want[i]).abs();
                    share[i] = err.div(bound.clamp_min(new Scalar(Double.MIN_NORMAL))).max().item_double();
                }
            }
        }
        if (Boolean.getBoolean("gan4j.bounds.report")) {
            System.out.printf("bounds: Float64Check %s%s: output %.3g, input gradient %.3g, weight gradient %.3g of the bound%n",
                    bf16 ? "bf16 " : "float32 ", java.util.Arrays.toString(conv.weight.sizes().vec().get()), share[0], share[1], share[2]);
        }
        return new Errors(share[0], share[1], share[2]);
    }

    /** The float64 map's output and its x and w gradients for output gradient g. */
    private static Tensor[] map(Geometry geo, Tensor x, Tensor w, Tensor b, Tensor g) {
        Tensor x64 = x.detach().clone().requires_grad_(true);
        Tensor w64 = w.detach().clone().requires_grad_(true);
        TensorOptional b64 = new TensorOptional(b.detach());
        long[] st = {geo.stride(), geo.stride()};
        long[] pd = {geo.padding(), geo.padding()};
        Tensor y64 = geo.transposed()
                ? torch.conv_transpose2d(x64, w64, b64, st, pd, new long[] {geo.outputPadding(), geo.outputPadding()},
                        1, new long[] {1, 1})
                : torch.conv2d(x64, w64, b64, st, pd, new long[] {1, 1}, 1);
        y64.mul(g).sum().backward();
        return new Tensor[] {y64.detach(), x64.grad(), w64.grad()};
    }

    private static Tensor f64(Tensor t) {
        return t.detach().to(torch.ScalarType.Double);
    }

    private static Tensor ones(Tensor t) {
        return torch.ones_like(f64(t));
    }
}
