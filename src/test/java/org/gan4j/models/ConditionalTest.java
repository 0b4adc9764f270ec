package org.gan4j.models;

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
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class ConditionalTest {
    private static ExperimentConfig config(String... sets) {
        return ConfigLoader.fromYaml("test", "name: conditional\n", List.of(sets));
    }

    private static Tensor labels(int... y) {
        return Tensors.fromInts(y);
    }

    /** An untrained projection-conditioned G of {@code arch}, built after seeding torch. */
    private static Generator conditionalG(String arch, long seed) {
        Seeds.seedTorch(seed);
        return Models.generator(config("model.architecture=" + arch, "model.conditioning=projection"));
    }

    @Test
    void generatorOutputDependsOnTheLabelAndDefaultsToBalancedClasses() {
        for (String arch : new String[] {"dcgan28", "mlp"}) {
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Generator g = conditionalG(arch, 1);
                g.eval();
                assertThat(g.classes()).isEqualTo(10);
                Tensor z = torch.randn(4, 100);
                Tensor a = g.forward(z, labels(3, 3, 3, 3));
                Tensor b = g.forward(z, labels(7, 7, 7, 7));
                assertThat(a.sizes().vec().get()).containsExactly(4, 1, 28, 28);
                assertThat(a.sub(b).abs().max().item_double()).as(arch).isGreaterThan(1e-4);
                Tensor balanced = g.forward(z);
                Tensor explicit = g.forward(z, labels(0, 1, 2, 3));
                assertThat(balanced.sub(explicit).abs().max().item_double()).isZero();
            }
        }
    }

    /**
     * An untrained conditional G must take its variation mostly from z: where the label's
     * embedding started on z's scale, G learned one image per class (see ConditionalGenerator).
     */
    @Test
    void zNotTheLabelDrivesAnUntrainedGenerator() {
        for (String arch : new String[] {"dcgan28", "mlp"}) {
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Generator g = conditionalG(arch, 3);
                g.train(true); // batch statistics, as in training
                // a 10 x 10 grid: row r is noise z_r, column k is class k
                Tensor z = torch.randn(10, 1, 100).expand(new long[] {10, 10, 100}).reshape(100, 100);
                int[] y = new int[100];
                for (int i = 0; i < 100; i++) {
                    y[i] = i % 10;
                }
                Tensor out = g.forward(z, labels(y)).view(10, 10, -1);
                double overZ = out.std(new long[] {0}, true, false).mean().item_double();
                double overLabel = out.std(new long[] {1}, true, false).mean().item_double();
                assertThat(overLabel).as(arch + ": spread over labels vs over z").isLessThan(0.3 * overZ);
                assertThat(overLabel).as(arch).isGreaterThan(0);
            }
        }
    }

    @Test
    void projectionLogitsDependOnTheLabelAndAcganAddsClassLogits() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(2);
            Discriminator p = Models.discriminator(config("model.conditioning=projection"));
            p.eval();
            Tensor x = torch.randn(5, 1, 28, 28);
            Discriminator.Output a = p.judge(x, labels(0, 1, 2, 3, 4));
            Discriminator.Output b = p.judge(x, labels(5, 6, 7, 8, 9));
            assertThat(a.logits().sizes().vec().get()).containsExactly(5);
            assertThat(a.classLogits()).isNull();
            assertThat(a.logits().sub(b.logits()).abs().max().item_double()).isGreaterThan(1e-5);
            // the projection term is exactly embed(y) . phi(x) on top of the unconditional logit
            Discriminator ac = Models.discriminator(config("model.conditioning=acgan", "model.spectral_norm=true"));
            ac.eval();
            Discriminator.Output c = ac.judge(x, labels(0, 1, 2, 3, 4));
            assertThat(c.classLogits().sizes().vec().get()).containsExactly(5, 10);
            Discriminator.Output d = ac.judge(x, labels(9, 9, 9, 9, 9));
            assertThat(c.logits().sub(d.logits()).abs().max().item_double()).as("ACGAN's logit ignores y").isZero();
        }
    }

    @Test
    void conditioningNeedsLabelsAndNoPacking() {
        assertThatThrownBy(() -> config("data.dataset=ring8", "model.architecture=toy-mlp", "model.conditioning=acgan"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.conditioning").hasMessageContaining("ring8");
        assertThatThrownBy(() -> config("model.conditioning=projection", "model.packing=2"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.packing");
        assertThatThrownBy(() -> config("model.conditioning=cbn"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("projection, acgan");
    }

    @Test
    void colourArchitecturesMakeAndJudge32x32x3() {
        for (String arch : new String[] {"dcgan32", "resnet32"}) {
            try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Seeds.seedTorch(3);
                ExperimentConfig c = config("data.dataset=cifar10", "model.architecture=" + arch, "model.width=16",
                        "model.spectral_norm=true", "model.conditioning=projection");
                Models.Pair p = Models.build(c);
                Tensor x = p.g().forward(torch.randn(4, 100), labels(0, 1, 2, 3));
                assertThat(x.sizes().vec().get()).as(arch).containsExactly(4, 3, 32, 32);
                assertThat(x.abs().max().item_double()).isLessThanOrEqualTo(1.0);
                assertThat(p.d().judge(x, labels(0, 1, 2, 3)).logits().sizes().vec().get()).containsExactly(4);
            }
        }
        assertThatThrownBy(() -> config("data.dataset=cifar10", "model.architecture=dcgan28"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dcgan32 or resnet32");
    }
}
