package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.gan4j.config.ConfigException;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.ClusteredDataset;
import org.gan4j.models.ClusterPrior;
import org.gan4j.models.Generator;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusteredRunTest {
    @TempDir
    Path tmp;

    private static ExperimentConfig clustered(String... sets) {
        List<String> all = new java.util.ArrayList<>(List.of("data.dataset=ring8", "data.toy_samples=2000",
                "data.clusters=8", "model.architecture=toy-mlp", "model.z_dim=4", "model.width=16",
                "model.conditioning=projection", "train.steps=12", "train.batch_size=32", "train.ema_decay=0.9",
                "log.every=4", "log.sample_every=0", "log.checkpoint_every=6"));
        all.addAll(List.of(sets));
        return ConfigLoader.fromYaml("t", "name: clustered\n", all);
    }

    @Test
    void aCheckpointSamplesByTheDataClusterShares() {
        ExperimentConfig c = clustered();
        RunDir dir = new RunDir(tmp.resolve("run"));
        double[] shares;
        try (Trainer t = Experiment.start(c, dir, new PrintStream(new ByteArrayOutputStream()), false)) {
            t.fit();
            assertThat(t.generator()).isInstanceOf(ClusterPrior.class);
            assertThat(t.discriminator().classes()).isEqualTo(8);
        }
        shares = ((ClusteredDataset) Experiment.load(c)).shares();
        // the ring's 8 modes hold 2,000 points between them: no cluster is empty
        assertThat(java.util.Arrays.stream(shares).min().orElseThrow()).isGreaterThan(0);
        for (boolean raw : new boolean[] {false, true}) {
            Generator g = Sampler.load(dir.latest(), raw);
            assertThat(g).isInstanceOf(ClusterPrior.class);
            assertThat(Sampler.choices(g)).isEqualTo(8);
            float[] saved = Tensors.toFloats(g.buffers().get(0));
            // the shares are stored as float32: each within half an ulp of its double
            for (int k = 0; k < 8; k++) {
                assertThat((double) saved[k]).isCloseTo(shares[k], org.assertj.core.data.Offset.offset(Math.ulp((float) shares[k]) / 2.0));
            }
            assertThat(Sampler.draw(g, 16, 3)).hasSize(32);
        }
    }

    @Test
    void clustersNeedAConditionalModelAndTwoOrMore() {
        assertThatThrownBy(() -> clustered("model.conditioning=none")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.clusters: 8 gives labels for a conditional model; set model.conditioning (projection or acgan)");
        assertThatThrownBy(() -> clustered("data.clusters=1")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.clusters: needs at least 2 clusters (0: off), got 1");
        assertThatThrownBy(() -> clustered("data.clusters=-3")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.clusters: must be >= 0, got -3");
        assertThatThrownBy(() -> clustered("data.cluster_channels=true")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.cluster_channels: ring8 has points, not images with channels");
        assertThatThrownBy(() -> clustered("data.clusters=0", "data.cluster_channels=true")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.cluster_channels: needs data.clusters (K >= 2 per channel)");
        // 22^3 = 10,648 labels, over the 10,000 embedding rows allowed
        assertThatThrownBy(() -> clustered("data.dataset=stacked-mnist", "model.architecture=dcgan28", "data.clusters=22",
                "data.cluster_channels=true")).isInstanceOf(ConfigException.class)
                .hasMessage("t: data.cluster_channels: 22 clusters on each of 3 channels make over 10000 labels; use fewer clusters");
        assertThat(clustered("data.dataset=stacked-mnist", "model.architecture=dcgan28", "data.clusters=21",
                "data.cluster_channels=true").data().classes()).isEqualTo(21 * 21 * 21);
    }
}
