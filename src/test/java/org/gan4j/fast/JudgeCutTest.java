package org.gan4j.fast;

import org.gan4j.models.DOptions;
import org.gan4j.models.DcganDiscriminator28;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Seeds;
import org.junit.jupiter.api.Test;

class JudgeCutTest {
    private static Tensor inputGradient(Tensor scalar, Tensor at) {
        return torch.grad(new TensorVector(scalar), new TensorVector(at), new TensorVector(torch.ones_like(scalar)),
                new BoolOptional(false), false, false).get(0);
    }

    /** The G step's cut pass: D-28's logits and input gradient as autograd's, dropout masks included. */
    @Test
    void dcgan28sCutGivesTheLogitsAndInputGradientOfTheWholeGraph() {
        for (boolean last : new boolean[] {false, true}) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(21);
                DcganDiscriminator28 d = Fast.kernels(last, new DcganDiscriminator28(0.3));
                d.train(true);
                Tensor x = torch.randn(6, 1, 28, 28);
                Tensor weights = torch.randn(6); // a loss that weighs each logit differently
                Seeds.seedTorch(5);
                Tensor xg = x.clone().requires_grad_(true);
                Tensor logits = d.judge(xg, null).logits();
                Tensor want = inputGradient(logits.mul(weights).sum(), xg);
                Seeds.seedTorch(5); // the same dropout masks
                ForkedStep.Cut cut = ForkedStep.judgeCut(d, x);
                assertThat(cut).isNotNull();
                assertThat(cut.logits().sub(logits).abs().max().item_double()).isLessThan(1e-5);
                Tensor got = cut.inputGradient(inputGradient(cut.logits().mul(weights).sum(), cut.leaf()));
                double err = got.sub(want).abs().max().item_double() / want.abs().max().item_double();
                assertThat(err).as(last ? "NHWC" : "NCHW").isLessThan(1e-5);
                assertThat(want.abs().max().item_double()).as("masks kept some paths").isPositive();
            }
        }
    }

    @Test
    void noCutWhereTheInputNeedsItsOwnGradientOrTheFirstLayerIsSpectrallyNormalised() {
        try (PointerScope scope = new PointerScope()) {
            DcganDiscriminator28 d = new DcganDiscriminator28(0.3);
            assertThat(ForkedStep.judgeCut(d, torch.randn(2, 1, 28, 28).requires_grad_(true))).as("R1's input").isNull();
            DcganDiscriminator28 sn = new DcganDiscriminator28(0.3, 1, new DOptions(true, false, 1));
            assertThat(ForkedStep.judgeCut(sn, torch.randn(2, 1, 28, 28))).as("spectral norm").isNull();
            assertThat(ForkedStep.judgeCut(new DcganDiscriminator28(0.3), torch.randn(2, 1, 28, 28))).isNotNull();
        }
    }
}
