package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.SameMap;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class FoldTransposedTest {
    /** 1x1 convolution + col2im against libtorch's transposed convolution: outputs and all gradients. */
    @Test
    void matchesLibtorchsTransposedConvolutionWithGradients() {
        // in, out, kernel, stride, padding, output padding, side: DCGAN-28's image layer,
        // DCGAN-32's (4x4, stride 2, three channels), stride 1, odd kernels and sides
        long[][] cases = {{16, 1, 5, 2, 2, 1, 14}, {16, 3, 4, 2, 1, 0, 16}, {8, 2, 3, 1, 1, 0, 9},
                          {8, 4, 5, 2, 2, 1, 7}, {8, 1, 4, 2, 1, 0, 5}, {8, 3, 3, 2, 0, 1, 6}};
        for (long[] c : cases) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(c[0] * 100 + c[1] * 10 + c[2]);
                SameMap.check(java.util.Arrays.toString(c), torch.randn(3, c[0], c[6], c[6]),
                        torch.randn(c[0], c[1], c[2], c[2]), torch.randn(c[1]),
                        (x, w, b) -> torch.conv_transpose2d(x, w, new TensorOptional(b), new long[] {c[3], c[3]},
                                new long[] {c[4], c[4]}, new long[] {c[5], c[5]}, 1, new long[] {1, 1}),
                        (x, w, b) -> FastConv.foldTransposed(x, w, b, c[3], c[4], c[5]));
            }
        }
    }

    @Test
    void generatorImageLayersTakeThatPath() {
        try (PointerScope scope = new PointerScope()) {
            Seeds.seedTorch(5);
            Layers.Conv2d layer = Fast.kernels(false, Layers.convTranspose2d(16, 1, 5, 2, 2, 1));
            Tensor x = torch.randn(2, 16, 14, 14);
            Tensor viaLayer = layer.forward(x);
            assertThat(viaLayer.sizes().vec().get()).containsExactly(2, 1, 28, 28);
            SameMap.outputWithin("the layer against libtorch's map in float64", viaLayer, x, layer.weight.detach(),
                    layer.bias.detach(), (xx, w, b) -> torch.conv_transpose2d(xx, w, new TensorOptional(b),
                            new long[] {2, 2}, new long[] {2, 2}, new long[] {1, 1}, 1, new long[] {1, 1}));
            assertThat(SameMap.maxDiff(viaLayer, FastConv.foldTransposed(x, layer.weight, layer.bias, 2, 2, 1))).isZero();
        }
    }
}
