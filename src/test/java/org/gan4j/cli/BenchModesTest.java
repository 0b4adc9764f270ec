package org.gan4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchModesTest {
    @TempDir
    Path tmp;

    @Test
    void tableHasOneRowPerVariantAndEveryRunIsScored() throws Exception {
        Path out = tmp.resolve("plots");
        CliTest.Result r = CliTest.run("bench", "modes", "--dataset", "ring8", "--seeds", "2", "--workers", "2",
                "--variants", "pack2,wgan-gp,hinge-sn", "--set", "train.steps=20", "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("variants")).hasSize(3);
        assertThat(j.get("runs")).hasSize(6);
        for (JsonNode row : j.get("variants")) {
            assertThat(row.get("modes").asDouble()).isBetween(0.0, 8.0);
            assertThat(row.get("hq").asDouble()).isBetween(0.0, 1.0);
            assertThat(row.get("kl").asDouble()).isBetween(0.0, Math.log(8) + 1e-9);
            assertThat(Files.exists(out.resolve(row.get("variant").asText() + ".png"))).isTrue();
        }
    }

    @Test
    void theShippedToyConfigsAreTheBestVariant() {
        for (String dataset : java.util.List.of("ring8", "grid25")) {
            java.util.List<String> sets = new java.util.ArrayList<>(org.gan4j.train.ModesRun.base(dataset));
            sets.addAll(org.gan4j.train.ModesRun.overrides("best", dataset));
            ExperimentConfig bench = ConfigLoader.fromYaml("bench", "{}", sets);
            ExperimentConfig shipped = ConfigLoader.load(Path.of("configs", "toy-" + dataset + ".yaml"), java.util.List.of());
            // the code has one value per mode of the mixture
            assertThat(bench.model().latentComponents()).isEqualTo(dataset.equals("ring8") ? 8 : 25);
            assertThat(shipped.model()).as(dataset).isEqualTo(bench.model());
            assertThat(shipped.objective()).as(dataset).isEqualTo(bench.objective());
            assertThat(shipped.train().steps()).isEqualTo(bench.train().steps());
            assertThat(shipped.train().batchSize()).isEqualTo(bench.train().batchSize());
            assertThat(shipped.train().gBnFreeze()).isEqualTo(bench.train().gBnFreeze());
            assertThat(shipped.train().lrDecayStart()).isEqualTo(bench.train().lrDecayStart());
            assertThat(shipped.train().optimizerG()).isEqualTo(bench.train().optimizerG());
            assertThat(shipped.train().optimizerD()).isEqualTo(bench.train().optimizerD());
        }
    }

    @Test
    void unknownVariantIsAOneLineError() {
        CliTest.Result r = CliTest.run("bench", "modes", "--dataset", "ring8", "--variants", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nope").contains("pack4");
    }
}
