package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigException;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.models.CategoricalLatent;
import org.gan4j.models.InfoDiscriminator;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class InfoGanTest {
    private static ExperimentConfig toy(String... sets) {
        List<String> all = new java.util.ArrayList<>(List.of("data.dataset=ring8", "data.toy_samples=2000",
                "model.architecture=toy-mlp", "model.width=32", "model.z_dim=3", "model.latent_components=4",
                "train.batch_size=64", "train.optimizer_g.lr=1e-3", "train.optimizer_d.lr=1e-3"));
        all.addAll(List.of(sets));
        return ConfigLoader.fromYaml("t", "name: info\n", all);
    }

    /** Share of fresh fakes whose component Q names. */
    private static double qAccuracy(Trainer t) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(99);
            Tensor z = torch.randn(512, 3);
            CategoricalLatent g = (CategoricalLatent) t.generator();
            Tensor guess = t.discriminator().judge(g.forward(z), null).classLogits().argmax(new org.bytedeco.pytorch.LongOptional(1), false);
            return Tensors.toFloats(guess.eq(g.component(z)).toType(torch.ScalarType.Float).mean())[0];
        }
    }

    @Test
    void qLearnsWhichComponentMadeAFake() {
        Trainer t = Experiment.detached(toy("objective.info=1", "train.steps=150"));
        assertThat(t.discriminator()).isInstanceOf(InfoDiscriminator.class);
        double before = qAccuracy(t);
        try (t) {
            while (t.step() < 150) {
                t.stepOnce();
            }
        }
        double after = qAccuracy(t);
        // chance is 1/4; G and Q together make the components tell-apart
        assertThat(before).isLessThan(0.6);
        assertThat(after).isGreaterThan(0.95);
    }

    @Test
    void aChosenComponentIsTheOneZWouldHavePicked() {
        Trainer t = Experiment.detached(toy("objective.info=1"));
        CategoricalLatent g = (CategoricalLatent) t.generator();
        g.eval();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(5);
            Tensor z = torch.randn(64, 3);
            float[] own = Tensors.toFloats(g.forward(z));
            float[] chosen = Tensors.toFloats(g.forward(z, g.component(z)));
            float[] other = Tensors.toFloats(g.forward(z, g.component(z).add(new org.bytedeco.pytorch.Scalar(1))
                    .remainder(new org.bytedeco.pytorch.Scalar(4))));
            assertThat(chosen).containsExactly(own);
            assertThat(other).isNotEqualTo(own);
        }
        int[] ks = {3, 3};
        assertThat(Sampler.draw(g, ks, 1)).hasSize(4);
        assertThatThrownBy(() -> Sampler.draw(g, new int[] {4}, 1)).isInstanceOf(UserError.class)
                .hasMessageContaining("--class: must be in [0, 3], got 4");
    }

    @Test
    void infoNeedsComponentsAndOneSampleAtATime() {
        assertThatThrownBy(() -> toy("objective.info=1", "model.latent_components=0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("objective.info").hasMessageContaining("model.latent_components");
        assertThatThrownBy(() -> toy("objective.info=1", "model.packing=2")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("objective.info").hasMessageContaining("model.packing 2");
        assertThatThrownBy(() -> toy("objective.info=-1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("objective.info: must be >= 0");
    }
}
