package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

class InputGradientByProductTest {
    /** Conv2d.inputGradient against float64 autograd, for layers built in either layout and gradients in either. */
    @Test
    void matchesAutogradsInputGradientInFloat64() {
        // channels, kernel, stride, padding, side: DCGAN-28's first D layer, CIFAR's 4x4 one, odd sides, stride 1
        long[][] cases = {{1, 5, 2, 2, 28}, {3, 4, 2, 1, 32}, {4, 3, 2, 1, 15}, {2, 5, 2, 0, 21}, {3, 3, 1, 1, 9}};
        for (long[] c : cases) {
            for (boolean last : new boolean[] {false, true}) {
                try (PointerScope scope = new PointerScope()) {
                    Seeds.seedTorch(c[0] * 7 + c[4]);
                    Layers.Conv2d conv = Fast.kernels(last, Layers.conv2d(c[0], 64, c[1], c[2], c[3]));
                    Tensor x = torch.randn(5, c[0], c[4], c[4]);
                    assertThat(FastConv.inputGradientByProduct(conv, x)).isTrue();
                    long side = conv.forward(x).size(2);
                    Tensor gy = torch.randn(5, 64, side, side);
                    if (last) {
                        gy = gy.contiguous(torch.MemoryFormat.ChannelsLast);
                    }
                    Tensor w64 = conv.weight.detach().toType(torch.ScalarType.Double);
                    Tensor gy64 = gy.toType(torch.ScalarType.Double);
                    Tensor want = inputGradient64(x, w64, gy64, c);
                    Tensor got = FastConv.inputGradient(conv, gy, c[4], c[4]);
                    assertThat(got.sizes().vec().get()).containsExactly(x.sizes().vec().get());
                    // a sum of n products gy w (64 channels times the taps reaching each pixel) in
                    // float32: within sumFactor(n) (u = 2^-24) of the sum of |products|, the same map
                    // on |gy| and |w|, n the map on ones; a wrong tap or stride is off by the values
                    // themselves, 10^4 times more
                    Tensor abs = inputGradient64(x, w64.abs(), gy64.abs(), c);
                    Tensor n = inputGradient64(x, torch.ones_like(w64), torch.ones_like(gy64), c);
                    Rounding.assertWithin(got, want, Rounding.sumFactor(n, Rounding.U32).mul(abs),
                            Arrays.toString(c) + (last ? " NHWC" : " NCHW"));
                }
            }
        }
    }

    /** The input gradient in float64 of conv2d with weight w (geometry c) for output gradient gy. */
    private static Tensor inputGradient64(Tensor x, Tensor w, Tensor gy, long[] c) {
        Tensor x64 = x.toType(torch.ScalarType.Double).requires_grad_(true);
        Tensor y64 = torch.conv2d(x64, w, new TensorOptional(), new long[] {c[2], c[2]}, new long[] {c[3], c[3]},
                new long[] {1, 1}, 1);
        return torch.grad(new TensorVector(y64), new TensorVector(x64), new TensorVector(gy), new BoolOptional(false),
                false, false).get(0);
    }

    @Test
    void appliesToPlainFloat32ImageLayersOnly() {
        try (PointerScope scope = new PointerScope()) {
            Tensor image = torch.randn(2, 3, 16, 16);
            assertThat(FastConv.inputGradientByProduct(Layers.conv2d(3, 16, 4, 2, 1), image)).isTrue();
            assertThat(FastConv.inputGradientByProduct(Layers.conv2d(8, 16, 4, 2, 1), torch.randn(2, 8, 16, 16)))
                    .as("8 input channels").isFalse();
            assertThat(FastConv.inputGradientByProduct(Layers.convTranspose2d(3, 16, 4, 2, 1, 0), image)).as("transposed").isFalse();
            assertThat(FastConv.inputGradientByProduct(Layers.conv2d(3, 16, 4, 2, 1), image.toType(torch.ScalarType.BFloat16)))
                    .as("bf16").isFalse();
        }
    }
}
