package org.gan4j.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * One convolution layer's forward and backward against the same map in float64: mean absolute
 * error over mean absolute value of the output, the input gradient (where x needs one) and the
 * weight gradient.
 */
public final class Float64Check {
    private Float64Check() {
    }

    /** The errors; {@code inputGradient} is 0 where x needs no gradient. */
    public record Errors(double output, double inputGradient, double weightGradient) {
    }

    /** The layer's geometry, which the float64 map repeats. */
    public record Geometry(boolean transposed, long stride, long padding, long outputPadding) {
        public static Geometry conv(long stride, long padding) {
            return new Geometry(false, stride, padding, 0);
        }
    }

    public static double rel(Tensor got, Tensor want) {
        double scale = Math.max(1e-12, want.abs().mean().item_double());
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
        Tensor x64 = x.detach().to(torch.ScalarType.Double).requires_grad_(x.requires_grad());
        Tensor w64 = conv.weight.detach().to(torch.ScalarType.Double).requires_grad_(true);
        TensorOptional b64 = new TensorOptional(conv.bias.detach().to(torch.ScalarType.Double));
        long[] st = {geo.stride(), geo.stride()};
        long[] pd = {geo.padding(), geo.padding()};
        Tensor y64 = geo.transposed()
                ? torch.conv_transpose2d(x64, w64, b64, st, pd, new long[] {geo.outputPadding(), geo.outputPadding()},
                        1, new long[] {1, 1})
                : torch.conv2d(x64, w64, b64, st, pd, new long[] {1, 1}, 1);
        y64.mul(g.to(torch.ScalarType.Double)).sum().backward();
        return new Errors(rel(y, y64), x.requires_grad() ? rel(x.grad(), x64.grad()) : 0,
                rel(conv.weight.grad(), w64.grad()));
    }
}
