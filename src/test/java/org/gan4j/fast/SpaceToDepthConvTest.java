package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.SameMap;
import org.gan4j.nn.Float64Check;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SpaceToDepthConvTest {
    /** The regrouped stride-1 convolution against libtorch's stride-2 one: outputs and all gradients. */
    @Test
    void matchesTheStrideTwoConvolutionItReplacesWithGradients() {
        // channels, kernel, padding, side: DCGAN-28's first D layer, CIFAR's 4x4 one, odd sides
        long[][] cases = {{1, 5, 2, 28}, {3, 4, 1, 32}, {1, 4, 1, 28}, {2, 3, 1, 15}, {3, 4, 1, 31}, {1, 5, 0, 20}};
        for (long[] c : cases) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(c[0] * 100 + c[1] * 10 + c[3]);
                long p = c[2];
                SameMap.check(java.util.Arrays.toString(c), torch.randn(4, c[0], c[3], c[3]),
                        torch.randn(8, c[0], c[1], c[1]), torch.randn(8),
                        (x, w, b) -> torch.conv2d(x, w, new TensorOptional(b), new long[] {2, 2}, new long[] {p, p},
                                new long[] {1, 1}, 1),
                        (x, w, b) -> FastConv.spaceToDepthConv(x, w, b, p, false));
            }
        }
    }

    @Test
    void theLayerTakesThatPathOnlyWhenItsInputNeedsAGradient() {
        try (PointerScope scope = new PointerScope()) {
            Seeds.seedTorch(3);
            Layers.Conv2d conv = Layers.conv2d(1, 16, 5, 2, 2);
            Tensor x = torch.randn(2, 1, 28, 28);
            Tensor plain = torch.conv2d(x, conv.weight, new TensorOptional(conv.bias), new long[] {2, 2},
                    new long[] {2, 2}, new long[] {1, 1}, 1);
            Tensor viaLayer = conv.forward(x.clone().requires_grad_(true));
            SameMap.outputWithin("the layer against libtorch's map in float64", viaLayer, x, conv.weight.detach(),
                    conv.bias.detach(), (xx, w, b) -> torch.conv2d(xx, w, new TensorOptional(b), new long[] {2, 2},
                            new long[] {2, 2}, new long[] {1, 1}, 1));
            assertThat(SameMap.maxDiff(conv.forward(x), plain)).as("no input gradient: libtorch's own").isZero();
        }
    }

    /**
     * Every layer with few input channels, under bf16 in either layout: libtorch 2.10's bf16 input
     * gradient there is 5-17% off in NCHW (one channel in NHWC too), so such layers take zero
     * input channels up to the block (or space-to-depth).
     */
    @Test
    void underBf16FewInputChannelsGiveAccurateInputGradientsInBothLayouts() {
        // channels, kernel, padding, side, stride
        long[][] cases = {{1, 5, 2, 28, 2}, {3, 4, 1, 32, 2}, {3, 3, 1, 32, 2}, {8, 4, 1, 16, 2}, {3, 3, 1, 16, 1}};
        for (long[] c : cases) {
            for (boolean last : new boolean[] {false, true}) {
                try (PointerScope scope = new PointerScope()) {
                    Seeds.seedTorch(5);
                    Layers.Conv2d conv = Fast.kernels(last, Layers.conv2d(c[0], 64, c[1], c[4], c[2]));
                    Tensor x = torch.randn(8, c[0], c[3], c[3]);
                    x = (last ? FastConv.channelsLastStrides(x) : x).requires_grad_(true);
                    double err = Float64Check.of(conv, Float64Check.Geometry.conv(c[4], c[2]), x, true).inputGradient();
                    // a share of the bf16 bound (Float64Check); 5-17% off would be 5 to 17 times it
                    assertThat(err).as(java.util.Arrays.toString(c) + (last ? " NHWC" : " NCHW")).isLessThanOrEqualTo(1.0);
                }
            }
        }
    }

    /**
     * NCHW bf16 forwards with input or output channels off the 16-block: libtorch 2.10's are NaN
     * or ~15% off on Zen 5 for stride-1 layers with such inputs (a plain 100->64 layer, DCGAN-32's
     * first transposed one), 1.4-8% off with such outputs (transposed ones: off a 32-block).
     */
    @Test
    void underBf16ChannelsOffTheBlockGiveAccurateOutputs() {
        // in, out, kernel, stride, padding, side, transposed
        long[][] cases = {{100, 64, 3, 1, 1, 8, 0}, {40, 64, 3, 1, 1, 8, 0}, {100, 512, 4, 1, 0, 1, 1},
                          {24, 64, 5, 1, 2, 7, 1}, {3, 64, 4, 2, 1, 32, 0}, {64, 24, 3, 1, 1, 8, 0},
                          {64, 24, 4, 2, 1, 16, 0}, {64, 100, 3, 1, 1, 8, 0}, {32, 17, 3, 1, 1, 8, 0},
                          {64, 40, 4, 2, 1, 8, 1}, {64, 48, 4, 2, 1, 8, 1}, {64, 80, 4, 2, 1, 8, 1}};
        for (long[] c : cases) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(6);
                boolean tr = c[6] == 1;
                Layers.Conv2d conv = tr ? Layers.convTranspose2d(c[0], c[1], c[2], c[3], c[4], 0)
                        : Layers.conv2d(c[0], c[1], c[2], c[3], c[4]);
                Tensor x = torch.randn(16, c[0], c[5], c[5]);
                double err = Float64Check.of(conv, new Float64Check.Geometry(tr, c[3], c[4], 0), x, true).output();
                // a share of the bf16 bound (Float64Check); 1.4-15% off would be 1.4 to 15 times it
                assertThat(err).as(java.util.Arrays.toString(c)).isLessThanOrEqualTo(1.0);
            }
        }
    }
}
