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
                    Tensor x64 = x.toType(torch.ScalarType.Double).requires_grad_(true);
                    Tensor y64 = torch.conv2d(x64, conv.weight.toType(torch.ScalarType.Double), new TensorOptional(),
                            new long[] {c[2], c[2]}, new long[] {c[3], c[3]}, new long[] {1, 1}, 1);
                    Tensor want = torch.grad(new TensorVector(y64), new TensorVector(x64),
                            new TensorVector(gy.toType(torch.ScalarType.Double)), new BoolOptional(false), false, false)
                            .get(0);
                    Tensor got = FastConv.inputGradient(conv, gy, c[4], c[4]);
                    assertThat(got.sizes().vec().get()).containsExactly(x.sizes().vec().get());
                    double err = got.toType(torch.ScalarType.Double).sub(want).abs().max().item_double()
                            / want.abs().max().item_double();
                    assertThat(err).as(Arrays.toString(c) + (last ? " NHWC" : " NCHW")).isLessThan(1e-5);
                }
            }
        }
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
