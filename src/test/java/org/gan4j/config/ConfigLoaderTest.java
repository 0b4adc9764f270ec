package org.gan4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path write(String yaml) throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsFollowThePapers() {
        ExperimentConfig c = ConfigLoader.defaults();
        assertThat(c.train().optimizerG().beta1()).isEqualTo(0.5);
        assertThat(c.train().optimizerG().lr()).isEqualTo(2e-4);
        assertThat(c.train().nCritic()).isEqualTo(1);
        assertThat(c.objective().loss()).isEqualTo(Choices.Loss.NON_SATURATING);
    }

    @Test
    void userValuesAndSetOverridesMergeOverDefaults() throws Exception {
        Path f = write("name: x\ntrain:\n  batch_size: 32\n  optimizer_d: {lr: 1.0e-3}\n");
        ExperimentConfig c = ConfigLoader.load(f, List.of("train.steps=7", "objective.loss=least-squares"));
        assertThat(c.train().batchSize()).isEqualTo(32);
        assertThat(c.train().optimizerD().lr()).isEqualTo(1e-3);
        assertThat(c.train().optimizerD().beta1()).isEqualTo(0.5);
        assertThat(c.train().steps()).isEqualTo(7);
        assertThat(c.objective().loss()).isEqualTo(Choices.Loss.LEAST_SQUARES);
    }

    @Test
    void yamlRoundTrip() throws Exception {
        ExperimentConfig c = ConfigLoader.load(write("name: rt\nmodel: {architecture: mlp}\n"), List.of());
        assertThat(ConfigLoader.parse("again", ConfigLoader.toYaml(c))).isEqualTo(c);
    }

    /** Found by FuzzIT: a key given null where its default has a value was bound as null (an NPE in validation). */
    @Test
    void aNullWhereAValueIsNeededIsNamed() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("model: {architecture: ~}\n"), List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.architecture: needs a value");
        assertThatThrownBy(() -> ConfigLoader.load(write("name:\n"), List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("name: needs a value");
        assertThatThrownBy(() -> ConfigLoader.load(write("name: x\n"), List.of("train.steps=")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("train.steps: needs a value");
        assertThat(ConfigLoader.load(write("data: {path: ~}\n"), List.of()).data().path()).isNull();
    }

    @Test
    void errorsNameFileFieldAndValue() throws Exception {
        Path f = write("train:\n  batch_size: 0\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("train.batch_size").hasMessageContaining("0");
        assertThatThrownBy(() -> ConfigLoader.load(write("objective: {loss: wasserstein-typo}\n"), List.of()))
                .hasMessageContaining("objective.loss").hasMessageContaining("wasserstein-typo")
                .hasMessageContaining("non-saturating");
        assertThatThrownBy(() -> ConfigLoader.load(write("train: {optimizer_g: {lr: -1}}\n"), List.of()))
                .hasMessageContaining("train.optimizer_g.lr").hasMessageContaining("-1");
        assertThatThrownBy(() -> ConfigLoader.load(write("train: {optimizer_g: {name: adamw}}\n"), List.of()))
                .hasMessageContaining("adamw").hasMessageContaining("rmsprop");
        assertThatThrownBy(() -> ConfigLoader.load(write("trian: {steps: 3}\n"), List.of()))
                .hasMessageContaining("trian").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> ConfigLoader.load(write("train: {steps: many}\n"), List.of()))
                .hasMessageContaining("steps");
        assertThatThrownBy(() -> ConfigLoader.load(write("train: [1, 2\n"), List.of()))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(tmp.resolve("missing.yaml"), List.of()))
                .hasMessageContaining("missing.yaml").hasMessageContaining("no such");
        assertThatThrownBy(() -> ConfigLoader.load(write("name: a\n"), List.of("train.nope=1")))
                .hasMessageContaining("train.nope");
        assertThatThrownBy(() -> ConfigLoader.load(write("objective: {mode_seeking: 1}\ntrain: {batch_size: 63}\n"), List.of()))
                .hasMessageContaining("objective.mode_seeking").hasMessageContaining("63");
        assertThatThrownBy(() -> ConfigLoader.load(write("train: {g_bn_freeze: 1.5}\n"), List.of()))
                .hasMessageContaining("train.g_bn_freeze").hasMessageContaining("1.5");
    }

    @Test
    void modelMustFitTheData() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("data: {dataset: ring8}\nmodel: {architecture: dcgan28}\n"),
                List.of())).hasMessageContaining("model.architecture").hasMessageContaining("ring8");
    }
}
