package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

/** The fused dropout + LeakyReLU pair against the two layers it replaces, drawn from the same seed. */
class DropoutLeakyReluTest {
    private static final double P = 0.3;
    private static final double SLOPE = 0.2;

    /** Output and input gradient of {@code layers} on x (a copy, since they write in place). */
    private static Tensor[] run(Net[] layers, Tensor x0, Tensor upstream, long seed) {
        Tensor x = x0.clone().requires_grad_(true);
        Seeds.seedTorch(seed);
        Tensor y = x.mul(new Scalar(1)); // a non-leaf for the in-place ops, as a convolution's output is
        for (Net n : layers) {
            n.train(true);
            y = n.forward(y);
        }
        y.mul(upstream).sum().backward();
        return new Tensor[] {y.detach(), x.grad()};
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    @Test
    void fusedPairEqualsDropoutThenLeakyReluOnBothLayouts() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(3);
            // 2 x 5 x 131 x 103 elements: several mask blocks and a tail past the last group of four
            for (boolean last : new boolean[] {false, true}) {
                Tensor x = torch.randn(2, 5, 131, 103);
                Tensor g = torch.randn(2, 5, 131, 103);
                if (last) {
                    x = x.contiguous(torch.MemoryFormat.ChannelsLast);
                    g = g.contiguous(torch.MemoryFormat.ChannelsLast);
                }
                Tensor[] fused = run(Layers.dropoutLeakyReluInPlace(P, SLOPE), x, g, 11);
                Tensor[] plain = run(new Net[] {Layers.dropoutInPlace(P), Layers.leakyReluInPlace(SLOPE)}, x, g, 11);
                // the fused pair multiplies once by a float32 factor (1 / (1 - p) or slope / (1 - p)
                // rounded: 2 roundings of u = 2^-24), the two layers twice (1 / (1 - p) and the slope
                // each rounded: 4): at most 6 u of the result between them; a wrong factor or mask is
                // off by the values themselves
                Tensor bar = plain[0].abs().mul(new Scalar(6 * Rounding.U32)).to(torch.ScalarType.Double);
                Rounding.assertWithin(fused[0], plain[0].to(torch.ScalarType.Double), bar, "forward, channels-last " + last);
                Rounding.assertWithin(fused[1], plain[1].to(torch.ScalarType.Double),
                        plain[1].abs().mul(new Scalar(6 * Rounding.U32)).to(torch.ScalarType.Double),
                        "input gradient, channels-last " + last);
                assertThat(fused[0].is_contiguous(last ? torch.MemoryFormat.ChannelsLast : torch.MemoryFormat.Contiguous))
                        .isTrue();
                // the slope reaches negative inputs, dropout every sign alike
                Tensor kept = fused[0].ne(new Scalar(0));
                double keptShare = kept.toType(torch.ScalarType.Float).mean().item_double();
                assertThat(keptShare).isBetween(0.69, 0.71);
                Tensor neg = x.lt(new Scalar(0)).logical_and(kept);
                Tensor ratio = fused[0].masked_select(neg).div(x.masked_select(neg));
                // fl(x fl(c)) / x in float32, c = slope / (1 - p): three roundings of c's size
                assertThat(ratio.sub(new Scalar(SLOPE / (1 - P))).abs().max().item_double())
                        .isLessThanOrEqualTo(3 * Rounding.gamma(1, Rounding.U32) * SLOPE / (1 - P));
            }
        }
    }

    @Test
    void evalModeIsTheActivationAlone() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(4);
            Net[] pair = Layers.dropoutLeakyReluInPlace(P, SLOPE);
            Tensor x = torch.randn(3, 7, 9, 9);
            for (Net n : pair) {
                n.train(false);
            }
            Tensor y = x.clone();
            for (Net n : pair) {
                y = n.forward(y);
            }
            assertThat(maxDiff(y, torch.leaky_relu(x, new Scalar(SLOPE)))).isZero();
        }
    }

    /**
     * In bf16 the fused mask is rounded to bf16 (1 / (1 - p) and slope / (1 - p) to within 0.2%):
     * the same elements dropped as by the two layers, the rest within two bf16 steps of theirs.
     */
    @Test
    void bf16FusedPairDropsTheSameElementsAndScalesWithinRounding() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(4);
            Tensor x = torch.randn(3, 7, 9, 9).contiguous(torch.MemoryFormat.ChannelsLast);
            Tensor xb = x.toType(torch.ScalarType.BFloat16);
            Tensor g = torch.randn(3, 7, 9, 9).toType(torch.ScalarType.BFloat16);
            Tensor[] fused = run(Layers.dropoutLeakyReluInPlace(P, SLOPE), xb, g, 8);
            Tensor[] plain = run(new Net[] {Layers.dropoutInPlace(P), Layers.leakyReluInPlace(SLOPE)}, xb, g, 8);
            assertThat(fused[0].scalar_type().value).isEqualTo(torch.ScalarType.BFloat16.value);
            for (int i = 0; i < 2; i++) {
                Tensor a = fused[i].toType(torch.ScalarType.Float);
                Tensor b = plain[i].toType(torch.ScalarType.Float);
                assertThat(a.eq(new Scalar(0)).equal(b.eq(new Scalar(0)))).as("dropped, output " + i).isTrue();
                double rel = a.sub(b).abs().div(b.abs().clamp_min(new Scalar(1e-6))).max().item_double();
                // two bf16 steps: 2 x 2^-7 = 4 u, u = 2^-8
                assertThat(rel).as("output " + i).isLessThanOrEqualTo(4 * Rounding.U_BF16);
            }
            assertThat(fused[0].eq(new Scalar(0)).toType(torch.ScalarType.Float).mean().item_double())
                    .isBetween(0.2, 0.4);
        }
    }
}
