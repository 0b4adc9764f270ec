package org.gan4j.nn;

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
                Tensor x1 = torch.randn(4, c[0], c[3], c[3]).requires_grad_(true);
                Tensor x2 = x1.detach().clone().requires_grad_(true);
                Tensor w1 = torch.randn(8, c[0], c[1], c[1]).requires_grad_(true);
                Tensor w2 = w1.detach().clone().requires_grad_(true);
                Tensor b1 = torch.randn(8).requires_grad_(true);
                Tensor b2 = b1.detach().clone().requires_grad_(true);
                long p = c[2];
                Tensor want = torch.conv2d(x1, w1, new TensorOptional(b1), new long[] {2, 2}, new long[] {p, p},
                        new long[] {1, 1}, 1);
                Tensor got = Layers.Conv2d.spaceToDepthConv(x2, w2, b2, p);
                String what = java.util.Arrays.toString(c);
                assertThat(got.sizes().vec().get()).as(what).containsExactly(want.sizes().vec().get());
                assertThat(maxDiff(got, want)).as(what).isLessThan(1e-4);
                Tensor g = torch.randn(want.sizes().vec().get());
                want.mul(g).sum().backward();
                got.mul(g).sum().backward();
                assertThat(maxDiff(x2.grad(), x1.grad())).as(what + " input gradient").isLessThan(1e-4);
                assertThat(maxDiff(w2.grad(), w1.grad())).as(what + " weight gradient").isLessThan(1e-3);
                assertThat(maxDiff(b2.grad(), b1.grad())).as(what + " bias gradient").isLessThan(1e-3);
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
            assertThat(maxDiff(viaLayer, plain)).isLessThan(1e-4);
            assertThat(maxDiff(conv.forward(x), plain)).as("no input gradient: libtorch's own").isZero();
        }
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }
}
