package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.TensorVector;
import org.gan4j.TestData;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.models.Generator;
import org.gan4j.nn.Net;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    private ExperimentConfig toy(int steps) {
        return ConfigLoader.fromYaml("t", """
                name: toy
                data: {dataset: ring8, toy_samples: 2000}
                model: {architecture: toy-mlp, z_dim: 4, width: 16}
                train: {steps: %d, batch_size: 32, ema_decay: 0.9, ema_start: 5}
                log: {every: 5, sample_every: 0, checkpoint_every: 10, samples: 16}
                """.formatted(steps), List.of());
    }

    private static float[] weights(Net n) {
        return flatten(n.parameters());
    }

    /** The floating-point tensors of {@code ts}, concatenated. */
    private static float[] flatten(TensorVector ts) {
        java.util.List<Float> all = new java.util.ArrayList<>();
        for (long i = 0; i < ts.size(); i++) {
            if (ts.get(i).is_floating_point()) {
                for (float f : Tensors.toFloats(ts.get(i))) {
                    all.add(f);
                }
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static float[] buffers(Net n) {
        return flatten(n.buffers());
    }

    @Test
    void gBatchNormStopsTrackingStatisticsFromTheFreezeStepOn() {
        for (double freeze : new double[] {0.5, 1.0}) {
            ExperimentConfig c = ConfigLoader.fromYaml("t", "name: toy\n", List.of("data.dataset=ring8",
                    "data.toy_samples=2000", "model.architecture=toy-mlp", "model.width=16", "train.steps=10",
                    "train.batch_size=32", "train.g_bn_freeze=" + freeze));
            try (Trainer t = Experiment.detached(c)) {
                float[][] stats = new float[11][];
                stats[0] = buffers(t.generator());
                for (int i = 1; i <= 10; i++) {
                    if (i == 8) {
                        t.generator().train(true); // as writing samples does; the freeze must outlive it
                    }
                    t.stepOnce();
                    stats[i] = buffers(t.generator());
                }
                assertThat(stats[0]).isNotEmpty();
                // steps 1-5 run on batch statistics and move the running ones
                assertThat(stats[5]).isNotEqualTo(stats[4]);
                if (freeze < 1) {
                    assertThat(stats[10]).as("frozen from step 5 on").isEqualTo(stats[5]);
                    assertThat(weights(t.generator())).isNotEmpty();
                } else {
                    assertThat(stats[10]).isNotEqualTo(stats[9]);
                }
            }
        }
    }

    /** Fits {@code t} to its step count and closes it (its weights stay readable). */
    private static Trainer fit(Trainer t) {
        try (Trainer closing = t) {
            closing.fit();
        }
        return t;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void runWritesTheRunDirectory() throws Exception {
        RunDir dir = new RunDir(tmp.resolve("run"));
        Trainer t = fit(Experiment.start(toy(20), dir, quiet(), false));
        assertThat(t.step()).isEqualTo(20);
        assertThat(Files.readString(dir.config())).contains("seed: 42").contains("pytorch_presets");
        List<String> rows = Files.readAllLines(dir.metrics());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).contains("\"step\":5").contains("loss_d").contains("d_real").contains("grad_norm_g");
        assertThat(Checkpoint.header(dir.latest()).step()).isEqualTo(20);
        assertThat(dir.plots().resolve("losses.png")).exists();
        assertThat(dir.samples().resolve("step_000020.png")).exists();
    }

    @Test
    void resumedRunEndsWithBitwiseTheSameWeights() throws Exception {
        RunDir a = new RunDir(tmp.resolve("a"));
        Trainer whole = fit(Experiment.start(toy(30), a, quiet(), false));

        RunDir b = new RunDir(tmp.resolve("b"));
        fit(Experiment.start(toy(20), b, quiet(), false));
        Trainer second = Experiment.resume(b, toy(30), quiet(), false);
        assertThat(second.step()).isEqualTo(20);
        fit(second);

        assertThat(java.util.Arrays.equals(weights(second.generator()), weights(whole.generator()))).isTrue();
        assertThat(java.util.Arrays.equals(weights(second.discriminator()), weights(whole.discriminator()))).isTrue();
        assertThat(java.util.Arrays.equals(weights(second.sampler()), weights(whole.sampler()))).isTrue();
        assertThat(java.util.Arrays.equals(weights(second.sampler()), weights(second.generator()))).isFalse();
        // metrics rows of the resumed run continue the first part's
        assertThat(Files.readAllLines(b.metrics())).hasSize(6);
    }

    @Test
    void dcganTrainsOnImagesAndCheckpointLoadsBack() throws Exception {
        RunDir dir = new RunDir(tmp.resolve("dc"));
        Trainer t = fit(Experiment.start(tinyDcgan(), dir, quiet(), false));
        for (String line : Files.readAllLines(dir.metrics())) {
            assertThat(line).doesNotContain("NaN");
        }
        assertThat(java.util.Arrays.equals(weights(reloadedGenerator(dir)), weights(t.generator()))).isTrue();
    }

    /** D's gradients of the first step, then G's, concatenated. */
    private static float[] gradients(Trainer t) {
        TensorVector gs = new TensorVector();
        for (org.gan4j.nn.Net n : List.of(t.discriminator(), t.generator())) {
            TensorVector ps = n.parameters();
            for (long i = 0; i < ps.size(); i++) {
                gs.push_back(ps.get(i).grad());
            }
        }
        return flatten(gs);
    }

    /** One step of {@code c} with the fast paths (D's passes side by side) or the plain step. */
    private static float[] firstStepGradients(ExperimentConfig c, boolean fork) {
        ExperimentConfig with = ConfigLoader.fromYaml("t", ConfigLoader.toYaml(c), List.of("train.fast_paths=" + fork));
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope();
             Trainer t = Experiment.detached(with)) {
            assertThat(t.fastStep()).isEqualTo(fork);
            t.stepOnce();
            return gradients(t);
        }
    }

    /**
     * With two libtorch threads D's real and fake passes run side by side, the loss taken on
     * their outputs cut from the graph: the same gradients as one backward through both (to
     * float rounding: each pass runs on one thread), for a plain DCGAN, an InfoGAN D whose Q head
     * adds a class loss on the fake pass, a projection D (labels into both passes), an AC-GAN D
     * with class losses on both passes, and a D that packs pairs and adds minibatch std-dev; and
     * G's gradients, whose step judges the plain DCGAN's fakes in two halves side by side. The
     * plain DCGAN's D step runs its two passes each with its own share of the loss, its G's
     * dense layer split in two.
     * Dropout is off here, since forked passes draw their masks from per-branch streams; with it
     * on, a forked step is still deterministic.
     */
    @Test
    void dsPassesSideBySideGiveTheGradientsOfOneBackwardAndRepeatBitwise() throws Exception {
        int threads = org.bytedeco.pytorch.global.torch.get_num_threads();
        org.bytedeco.pytorch.global.torch.set_num_threads(2);
        try {
            assertThat(org.gan4j.fast.TeamFork.available()).isTrue();
            for (ExperimentConfig c : List.of(tinyDcgan("model.dropout=0", "train.batch_size=16"),
                    tinyDcgan("model.dropout=0", "objective.info=1", "model.latent_components=10"),
                    tinyDcgan("model.dropout=0", "model.conditioning=projection"),
                    tinyDcgan("model.dropout=0", "model.conditioning=acgan"),
                    tinyDcgan("model.dropout=0", "model.packing=2", "model.minibatch_std=true"))) {
                float[] side = firstStepGradients(c, true);
                float[] seq = firstStepGradients(c, false);
                assertThat(side).hasSameSizeAs(seq);
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < seq.length; i++) {
                    diff += (side[i] - seq[i]) * (double) (side[i] - seq[i]);
                    norm += seq[i] * (double) seq[i];
                }
                assertThat(norm).isPositive();
                assertThat(Math.sqrt(diff / norm)).as("relative difference of D's and G's gradients").isLessThan(1e-5);
            }
            ExperimentConfig dropout = tinyDcgan("train.batch_size=16");
            assertThat(firstStepGradients(dropout, true)).isEqualTo(firstStepGradients(dropout, true));
        } finally {
            org.bytedeco.pytorch.global.torch.set_num_threads(threads);
        }
    }

    /** DCGAN-28 on 256 MNIST digits (or generated ones), 3 steps of batch 8. */
    private ExperimentConfig tinyDcgan(String... overrides) throws Exception {
        Path data = TestData.mnistDir(tmp);
        return ConfigLoader.fromYaml("t", """
                name: tiny
                data: {dataset: mnist, path: "%s", limit: 256}
                train: {steps: 3, batch_size: 8}
                log: {every: 1, sample_every: 0, checkpoint_every: 0, samples: 4}
                """.formatted(data.toString().replace("\\", "/")), List.of(overrides));
    }

    /** G as the run's last checkpoint builds and loads it. */
    private static Generator reloadedGenerator(RunDir dir) {
        Generator g = org.gan4j.models.Models.generator(Checkpoint.header(dir.latest()).config("x").model());
        Checkpoint.load(dir.latest(), g, null, null, null, null);
        return g;
    }

    /**
     * Checkpoints of format 1 predate model.g_bn_bias: their configs read back with the biases
     * their generators carry; format 2 configs keep the default (none), and a run that asked
     * for them loads back with them.
     */
    @Test
    void generatorBiasesBeforeBatchNormFollowTheCheckpointFormat() throws Exception {
        assertThat(new Checkpoint.Header(1, 0, "name: old\n", java.util.Map.of(), "", null, null, null).config("x").model().gBnBias())
                .isTrue();
        assertThat(new Checkpoint.Header(2, 0, "name: new\n", java.util.Map.of(), "", null, null, null).config("x").model().gBnBias())
                .isFalse();
        ExperimentConfig plain = ConfigLoader.fromYaml("t", "name: p\n", List.of());
        ExperimentConfig biased = ConfigLoader.fromYaml("t", "name: p\n", List.of("model.g_bn_bias=true"));
        // DCGAN-28's G: dense, two transposed convolutions before batch norm, then the image layer
        long without = org.gan4j.models.Models.generator(plain.model()).parameters().size();
        long with = org.gan4j.models.Models.generator(biased.model()).parameters().size();
        assertThat(with - without).isEqualTo(3);

        RunDir dir = new RunDir(tmp.resolve("biased"));
        Trainer t = fit(Experiment.start(tinyDcgan("model.g_bn_bias=true"), dir, quiet(), false));
        assertThat(Checkpoint.header(dir.latest()).config("x").model().gBnBias()).isTrue();
        assertThat(java.util.Arrays.equals(weights(reloadedGenerator(dir)), weights(t.generator()))).isTrue();
    }
}
