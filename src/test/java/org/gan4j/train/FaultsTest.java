package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.data.DataException;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.gan4j.nn.Net;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence rolled back, damaged checkpoints named and passed over, a full disk survived. */
class FaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The 2-D ring toy: milliseconds a step; a row every 25 steps, a checkpoint every 100. */
    private static ExperimentConfig toy(int steps, String... overrides) {
        return ConfigLoader.fromYaml("t", """
                name: toy
                data: {dataset: ring8, toy_samples: 2000}
                model: {architecture: toy-mlp, z_dim: 4, width: 16}
                train: {steps: %d, batch_size: 32, ema_decay: 0.9, ema_start: 5}
                log: {every: 25, sample_every: 0, checkpoint_every: 100, samples: 16}
                """.formatted(steps), List.of(overrides));
    }

    /** Sets G's first weight to NaN after step {@code at} (once, or at every step from it on). */
    private static final class Poison implements TrainingListener {
        private final long at;
        private final boolean always;
        private int doses;

        Poison(long at, boolean always) {
            this.at = at;
            this.always = always;
        }

        @Override
        public void onStep(Trainer t) {
            if (always ? t.step() >= at : t.step() == at && doses == 0) {
                try (NoGradGuard ng = new NoGradGuard()) {
                    t.generator().parameters().get(0).fill_(new Scalar(Double.NaN));
                }
                doses++;
            }
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static Trainer run(ExperimentConfig c, RunDir dir, TrainingListener... extra) {
        Trainer t = Experiment.start(c, dir, quiet(), false);
        t.listeners().addAll(List.of(extra));
        try (Trainer closing = t) {
            closing.fit();
        }
        return t;
    }

    private static float[] weights(Net n) {
        TensorVector ps = n.parameters();
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (long i = 0; i < ps.size(); i++) {
            float[] f = Tensors.toFloats(ps.get(i));
            parts.add(f);
            total += f.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length;
        }
        return out;
    }

    private static List<Map<?, ?>> rows(RunDir dir) throws Exception {
        List<Map<?, ?>> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.metrics())) {
            out.add(JSON.readValue(line, Map.class));
        }
        return out;
    }

    private static boolean allFinite(float[] w) {
        for (float f : w) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A NaN put into G after step 300 shows in the row of step 325: the run goes back to the
     * state of step 300 (the last healthy row), halves both learning rates, logs the rollback,
     * and finishes with finite weights; its checkpoints carry the guard's state, so the same run
     * stopped at 350 and resumed ends bitwise where the uninterrupted one does.
     */
    @Test
    void aNanAtStep300IsRolledBackAndTheRunFinishesAndResumesBitwise() throws Exception {
        RunDir whole = new RunDir(tmp.resolve("whole"));
        Trainer t = run(toy(400), whole, new Poison(300, false));
        assertThat(t.step()).isEqualTo(400);
        assertThat(t.guard().rollbacks()).isEqualTo(1);
        assertThat(t.guard().lrScale()).isEqualTo(0.5);
        assertThat(allFinite(weights(t.generator()))).isTrue();
        List<Map<?, ?>> rollbacks = rows(whole).stream().filter(r -> "rollback".equals(r.get("event"))).toList();
        assertThat(rollbacks).hasSize(1);
        assertThat(rollbacks.get(0).get("step")).isEqualTo(325);
        assertThat(rollbacks.get(0).get("to_step")).isEqualTo(300);
        assertThat((String) rollbacks.get(0).get("reason")).contains("NaN");
        // after the rollback, rows of steps 325.. are written again, from the replay
        assertThat(rows(whole).stream().filter(r -> Integer.valueOf(325).equals(r.get("step")) && r.get("event") == null))
                .hasSize(1);
        assertThat(Checkpoint.open(whole.latest()).header().guard().lrScale()).isEqualTo(0.5);

        // stopped at 350 (after the rollback of 325), and at 310: before the row of 325, so that
        // run's own end finds the NaN, rolls back, and its checkpoint carries the older snapshot
        for (int stop : new int[] {350, 310}) {
            RunDir part = new RunDir(tmp.resolve("part" + stop));
            run(toy(stop), part, new Poison(300, false));
            Checkpoint.Header h = Checkpoint.open(part.latest()).header();
            assertThat(h.guard().rollbacks()).isEqualTo(1);
            Trainer resumed = Experiment.resume(part, toy(400), quiet(), false);
            try (Trainer closing = resumed) {
                closing.fit();
            }
            assertThat(resumed.guard().lrScale()).isEqualTo(0.5);
            assertThat(Arrays.equals(weights(resumed.generator()), weights(t.generator()))).as("stop " + stop).isTrue();
            assertThat(Arrays.equals(weights(resumed.discriminator()), weights(t.discriminator()))).as("stop " + stop).isTrue();
        }
    }

    /**
     * NaN after every step from 150 on: each replay diverges again, and past max_rollbacks (3)
     * the run ends in one line; the checkpoint of step 100 is still there and whole.
     */
    @Test
    void divergenceAtEveryStepStopsAfterMaxRollbacksAndKeepsTheLastGoodCheckpoint() {
        RunDir dir = new RunDir(tmp.resolve("bad"));
        assertThatThrownBy(() -> run(toy(400), dir, new Poison(150, true)))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("training diverged at step 175 (")
                .hasMessageContaining("after 3 rollbacks")
                .hasMessageNotContaining("\n");
        Checkpoint.Opened o = Checkpoint.open(dir.latest());
        assertThat(o.header().step()).isEqualTo(100);
        assertThat(dir.stepCheckpoints()).hasSize(1);
    }

    /** A save asked for between rows in a diverged state is not written: the step goes back instead. */
    @Test
    void aCheckpointIsNeverWrittenFromNonFiniteWeights() throws Exception {
        RunDir dir = new RunDir(tmp.resolve("save"));
        // poisoned after step 90; the checkpoint of step 100 comes before the row of step 100 could be read
        Trainer t = run(toy(200, "log.every=30"), dir, new Poison(99, false));
        assertThat(t.guard().rollbacks()).isEqualTo(1);
        for (Path p : dir.stepCheckpoints()) {
            Checkpoint.Opened o = Checkpoint.open(p);
            Generator g = Models.generator(o.header().config("x"));
            Checkpoint.restore(o.payload(), g, null, null, null, null);
            assertThat(allFinite(weights(g))).as(p.toString()).isTrue();
        }
        assertThat(rows(dir).stream().filter(r -> "rollback".equals(r.get("event"))).findFirst().orElseThrow().get("reason"))
                .isEqualTo("non-finite weights at a save");
    }

    /**
     * latest.pt and the newest step file are one file; a byte flipped in its middle (the
     * payload) is named with its step, and a resume goes on from the step file before it, ending
     * bitwise where the run that never met the damage does.
     */
    @Test
    void aFlippedByteIsNamedAndTheResumeFallsBackToTheCheckpointBefore() throws Exception {
        RunDir whole = new RunDir(tmp.resolve("whole"));
        Trainer t = run(toy(400), whole);

        RunDir dir = new RunDir(tmp.resolve("flip"));
        run(toy(300), dir);
        assertThat(dir.stepCheckpoints()).extracting(p -> p.getFileName().toString())
                .containsExactly("step-00000100.pt", "step-00000200.pt", "step-00000300.pt");
        assumeTrue(Files.isSameFile(dir.latest(), dir.checkpoint(300)), "latest.pt a hard link (else a copy, damaged alone)");
        byte[] b = Files.readAllBytes(dir.latest());
        b[b.length / 2] ^= 0x10;
        Files.write(dir.latest(), b);
        assertThatThrownBy(() -> Checkpoint.open(dir.latest())).isInstanceOf(DataException.class)
                .hasMessage(dir.latest() + ": checksum mismatch, written at step 300");

        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Trainer resumed = Experiment.resume(dir, toy(400), new PrintStream(said, true, StandardCharsets.UTF_8), false);
        assertThat(resumed.step()).isEqualTo(200);
        assertThat(said.toString(StandardCharsets.UTF_8))
                .contains(dir.latest() + ": checksum mismatch, written at step 300")
                .contains("resuming from " + dir.checkpoint(200));
        try (Trainer closing = resumed) {
            closing.fit();
        }
        assertThat(Arrays.equals(weights(resumed.generator()), weights(t.generator()))).isTrue();
        assertThat(Checkpoint.open(dir.latest()).header().step()).isEqualTo(400);
        assertThat(dir.stepCheckpoints()).hasSize(3);
    }

    /**
     * 200 single-bit flips anywhere in a checkpoint: each is either named in one line (the
     * file first) or leaves what is read the same (a byte of the zip's padding or its unchecked
     * record checksums), never loads other weights or another header.
     */
    @Test
    void noFlippedByteLoadsOtherWeights() throws Exception {
        RunDir dir = new RunDir(tmp.resolve("run"));
        run(toy(100), dir);
        byte[] clean = Files.readAllBytes(dir.latest());
        Checkpoint.Header header = Checkpoint.open(dir.latest()).header();
        Random rnd = new Random(7);
        Path damaged = tmp.resolve("damaged.pt");
        int named = 0;
        for (int i = 0; i < 200; i++) {
            byte[] b = clean.clone();
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(damaged, b);
            try {
                Checkpoint.Opened o = Checkpoint.open(damaged);
                assertThat(o.header()).isEqualTo(header);
            } catch (DataException e) {
                assertThat(e.getMessage()).startsWith(damaged + ": ").doesNotContain("\n");
                named++;
            }
        }
        assertThat(named).as("flips named").isGreaterThan(100);
    }

    /**
     * A full disk mid-checkpoint (the temporary file's writes end in ENOSPC: it is made a link
     * to /dev/full) ends the run in one line naming the file, and leaves the previous checkpoint
     * whole and latest.pt on it.
     */
    @Test
    void aFullDiskMidCheckpointLeavesThePreviousOneWhole() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs Linux's /dev/full to stand for a full disk");
        RunDir dir = new RunDir(tmp.resolve("full"));
        run(toy(100), dir);
        Path tmpFile = dir.checkpoint(200).resolveSibling(dir.checkpoint(200).getFileName() + ".tmp");
        Files.createSymbolicLink(tmpFile, Path.of("/dev/full"));
        Trainer t = Experiment.resume(dir, toy(300), quiet(), false);
        assertThatThrownBy(() -> {
            try (Trainer closing = t) {
                closing.fit();
            }
        }).isInstanceOf(UserError.class)
                .hasMessageStartingWith(dir.checkpoint(200) + ": cannot be written (")
                .hasMessageNotContaining("\n");
        assertThat(tmpFile).doesNotExist();
        assertThat(Checkpoint.open(dir.latest()).header().step()).isEqualTo(100);
        assertThat(dir.checkpoint(200)).doesNotExist();
    }

    /** A format-2 checkpoint (one archive, no digests, as gan4j wrote before format 3) still loads and samples. */
    @Test
    void aFormat2CheckpointStillLoads() throws Exception {
        ExperimentConfig c = toy(10);
        Generator g = Models.generator(c);
        OutputArchive root = new OutputArchive();
        OutputArchive ga = new OutputArchive();
        g.save(ga);
        root.write("G", ga);
        byte[] header = JSON.writeValueAsBytes(Map.of("format", 2, "step", 7, "config_yaml", ConfigLoader.toYaml(c),
                "versions", Map.of(), "created", "2026-12-01T00:00:00Z"));
        Tensor h = torch.empty(header.length).toType(torch.ScalarType.Byte);
        h.data_ptr_byte().put(header);
        root.write("header", h);
        Path old = tmp.resolve("old.pt");
        root.save_to(old.toString());

        Checkpoint.Opened o = Checkpoint.open(old);
        assertThat(o.header().format()).isEqualTo(2);
        assertThat(o.header().step()).isEqualTo(7);
        assertThat(o.header().sha256()).isNull();
        Generator back = Sampler.load(old, false);
        assertThat(Arrays.equals(weights(back), weights(g))).isTrue();
    }

    /** Rows of a healthy and of a diverged step, and the optional rules. */
    @Test
    void theGuardReadsRows() {
        DivergenceGuard plain = new DivergenceGuard(Trainer.DEFAULT_GUARD);
        Map<String, Object> ok = new java.util.LinkedHashMap<>(Map.of("loss_d", 1.2, "loss_g", 0.8, "d_real", 0.9999,
                "d_fake", 0.0001, "grad_norm_d", 50.0));
        assertThat(plain.check(ok, true)).isNull();
        assertThat(plain.healthy()).as("D pinned is no concern with the rule off").isTrue();
        Map<String, Object> inf = new java.util.LinkedHashMap<>(ok);
        inf.put("loss_g", Double.POSITIVE_INFINITY);
        assertThat(plain.check(inf, true)).isEqualTo("loss_g is Infinity");

        DivergenceGuard strict = new DivergenceGuard(new ExperimentConfig.Guard(true, 0.5, 3, 2, 10));
        Map<String, Object> calm = new java.util.LinkedHashMap<>(Map.of("d_real", 0.6, "d_fake", 0.4, "grad_norm_d", 5.0));
        assertThat(strict.check(calm, true)).isNull();
        assertThat(strict.check(ok, true)).contains("grad_norm_d 50.00 above train.guard.max_grad_norm 10.00");
        ok.put("grad_norm_d", 1.0);
        assertThat(strict.check(ok, true)).isNull(); // pinned once
        assertThat(strict.healthy()).as("a pinned D's state is not one to go back to").isFalse();
        assertThat(strict.check(ok, true)).contains("pinned for 2 rows");
        assertThat(strict.check(ok, false)).as("critic scores are not probabilities").isNull();
    }

    /** A run saved before a key existed resumes: the missing key counts as saved at its default. */
    @Test
    void keysNewerThanTheSavedRunCountAsTheirDefaults() {
        Map<String, String> now = Settings.of(toy(100));
        Map<String, String> saved = new java.util.LinkedHashMap<>(now);
        saved.keySet().removeIf(k -> k.startsWith("train.guard."));
        assertThat(Settings.changed(saved, now)).isEmpty();
        Map<String, String> other = Settings.of(toy(100, "train.guard.lr_factor=0.25"));
        assertThat(Settings.changed(saved, other)).containsExactly("train.guard.lr_factor");
    }

    @Test
    void badGuardSettingsNameTheirKey() {
        assertThatThrownBy(() -> toy(10, "train.guard.lr_factor=0")).hasMessageStartingWith("t: train.guard.lr_factor:");
        assertThatThrownBy(() -> toy(10, "train.guard.lr_factor=1")).hasMessageStartingWith("t: train.guard.lr_factor:");
        assertThatThrownBy(() -> toy(10, "train.guard.max_rollbacks=-1")).hasMessageStartingWith("t: train.guard.max_rollbacks:");
        assertThatThrownBy(() -> toy(10, "log.keep_checkpoints=0")).hasMessageStartingWith("t: log.keep_checkpoints:");
    }
}
