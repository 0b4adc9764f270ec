package org.gan4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigException;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class CategoricalLatentTest {
    private static ExperimentConfig toy(String model) {
        return ConfigLoader.fromYaml("t", "data: {dataset: ring8}\nmodel: {architecture: toy-mlp, " + model + "}\n",
                List.of());
    }

    @Test
    void normalNoisePicksEveryComponentEquallyOften() {
        try (PointerScope scope = new PointerScope()) {
            Seeds.seedTorch(3);
            Generator g = Models.generator(toy("z_dim: 3, latent_components: 8"));
            assertThat(g).isInstanceOf(CategoricalLatent.class);
            int n = 8000;
            Tensor z = torch.randn(n, 3);
            int[] counts = new int[8];
            for (float c : Tensors.toFloats(((CategoricalLatent) g).component(z))) {
                counts[(int) c]++;
            }
            // binomial(8000, 1/8): mean 1000, std 30
            assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(880, 1120));
            assertThat(g.forward(z).size(1)).isEqualTo(2);
        }
    }

    @Test
    void theCodeAndTheOtherCoordinatesBothReachTheGenerator() {
        try (PointerScope scope = new PointerScope()) {
            Seeds.seedTorch(4);
            Generator g = Models.generator(toy("z_dim: 2, latent_components: 4"));
            g.eval();
            // rows 0, 1: same component (first coordinate far below 0), other coordinate differs;
            // row 2: the other coordinate of row 0, another component
            Tensor z = Tensors.fromFloats(new float[] {-3f, 0.5f, -2.5f, -1.5f, 3f, 0.5f}, 3, 2);
            float[] x = Tensors.toFloats(g.forward(z));
            assertThat(x[0] != x[2] || x[1] != x[3]).isTrue();
            assertThat(x[0] != x[4] || x[1] != x[5]).isTrue();
        }
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> toy("latent_components: 1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.latent_components");
        assertThatThrownBy(() -> toy("z_dim: 1, latent_components: 4")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("z_dim");
    }
}
