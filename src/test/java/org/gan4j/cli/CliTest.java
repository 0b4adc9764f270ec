package org.gan4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.gan4j.TestData;
import org.gan4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path config(String name, String yaml) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private String mlp(Path data, int steps, int ckpt) {
        return """
                name: cli
                data: {dataset: mnist, path: "%s", limit: 512}
                model: {architecture: mlp, width: 32}
                train: {steps: %d, batch_size: 32}
                log: {every: 50, sample_every: 0, checkpoint_every: %d, samples: 16}
                """.formatted(data.toString().replace("\\", "/"), steps, ckpt);
    }

    private void assertUserError(Result r, String... mentions) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        for (String m : mentions) {
            assertThat(r.err()).contains(m);
        }
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("train", "sample", "bench", "data", "classifier");
    }

    @Test
    void badInputsEndInOneLineAndExitTwo() throws Exception {
        Path data = TestData.mnistDir(tmp);
        assertUserError(run("train", "--config", tmp.resolve("none.yaml").toString()), "none.yaml");
        assertUserError(run("train", "--config", config("bad.yaml", "train: [1, 2\n").toString()), "bad.yaml", "YAML");
        assertUserError(run("train", "--config", config("m.yaml", "model: {architecture: resnet9000}\n").toString()),
                "model.architecture", "resnet9000");
        assertUserError(run("train", "--config", config("l.yaml", "objective: {loss: hinge2}\n").toString()),
                "objective.loss", "hinge2");
        assertUserError(run("train", "--config", config("lr.yaml", "train: {optimizer_d: {lr: -0.1}}\n").toString()),
                "train.optimizer_d.lr", "-0.1");
        assertUserError(run("train", "--config", config("bs.yaml", "train: {batch_size: 0}\n").toString()),
                "train.batch_size");
        assertUserError(run("train", "--config", config("nd.yaml", "data: {path: /no/such/dir}\n").toString()),
                "/no/such/dir");

        Path badIdx = tmp.resolve("badidx");
        Files.createDirectories(badIdx);
        TestData.writeIdx(badIdx.resolve("train-images-idx3-ubyte.gz"), 0x801, new int[] {4}, new byte[4], true);
        assertUserError(run("train", "--config", config("bi.yaml", "data: {path: \"" + badIdx + "\"}\n").toString()),
                "train-images-idx3-ubyte.gz", "magic");

        Path big = tmp.resolve("big");
        Files.createDirectories(big);
        TestData.writeIdx(big.resolve("train-images-idx3-ubyte"), 0x803, new int[] {2, 32, 32}, new byte[2048], false);
        assertUserError(run("train", "--config", config("sz.yaml", "data: {path: \"" + big + "\"}\n").toString()),
                "[1, 32, 32]", "dcgan28");

        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertUserError(run("train", "--config", config("ok.yaml", mlp(data, 5, 0)).toString(),
                "--out", file.resolve("sub").toString()), "afile");

        assertUserError(run("train", "--resume", tmp.resolve("norun").toString()), "norun", "no checkpoint");
    }

    /** `bench step` end to end on DCGAN-28: the figures the speed issue is judged by. */
    @Test
    void benchStepReportsStepRateFlopsOverheadAndMemory() throws Exception {
        Path data = TestData.mnistDir(tmp);
        Path cfg = config("step.yaml", """
                name: step
                data: {dataset: mnist, path: "%s", limit: 256}
                model: {architecture: dcgan28, dropout: 0.3}
                train: {steps: 10, batch_size: 16}
                """.formatted(data.toString().replace("\\", "/")));
        Result r = run("bench", "step", "--config", cfg.toString(), "--steps", "3", "--warmup", "1",
                "--raw-steps", "3", "--paired-blocks", "3", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("device").asText()).isEqualTo("cpu");
        // D's passes side by side exactly where libtorch runs two threads
        assertThat(j.get("d_passes_side_by_side").asBoolean()).isEqualTo(j.get("threads").asInt() == 2);
        // DCGAN-28 counts 31.8 GFLOP a step at batch 64 (3 G forwards + 9 D forwards): a quarter here
        assertThat(j.get("gflop_per_step").asDouble()).isBetween(7.8, 8.1);
        double ms = j.get("ms_per_step").asDouble();
        assertThat(ms).isPositive();
        assertThat(j.get("images_per_s").asDouble()).isCloseTo(16 * 1000 / ms, org.assertj.core.api.Assertions.within(1.0));
        assertThat(j.get("efficiency").asDouble()).isCloseTo(
                j.get("gflop_per_step").asDouble() * 1000 / ms / j.get("sgemm_gflops").asDouble(),
                org.assertj.core.api.Assertions.within(0.01));
        assertThat(j.get("sgemm_gflops_1thread").asDouble()).isPositive(); // beside the all-thread rate
        // the rate before and after the steps; the ratio is taken against their mean
        com.fasterxml.jackson.databind.JsonNode sgemm = j.get("sgemm_gflops_before_after");
        assertThat(sgemm).hasSize(2);
        assertThat(j.get("sgemm_gflops").asDouble()).isCloseTo((sgemm.get(0).asDouble() + sgemm.get(1).asDouble()) / 2,
                org.assertj.core.api.Assertions.within(0.002));
        assertThat(j.get("sgemm_drift").asDouble()).isCloseTo(
                Math.abs(sgemm.get(1).asDouble() - sgemm.get(0).asDouble()) / j.get("sgemm_gflops").asDouble(),
                org.assertj.core.api.Assertions.within(0.002));
        // the machine's rate is the faster of libtorch's two CPU matrix libraries in each sample,
        // so never below either one's mean (OpenBLAS runs AVX2 kernels on CPUs it does not know)
        assertThat(j.get("sgemm_gflops_onednn").asDouble()).isPositive();
        assertThat(j.get("sgemm_gflops").asDouble())
                .isGreaterThanOrEqualTo(j.get("sgemm_gflops_openblas").asDouble() - 0.002)
                .isGreaterThanOrEqualTo(j.get("sgemm_gflops_onednn").asDouble() - 0.002);
        // Java's JIT beside the steps (HotSpot reports it)
        assertThat(j.get("jit_compile_ms_during_steps").asLong()).isNotNegative();
        // block by block against a reading of the machine right before each: the median ratio
        com.fasterxml.jackson.databind.JsonNode blocks = j.get("efficiency_paired_blocks");
        assertThat(blocks).hasSize(3);
        double[] sorted = java.util.stream.StreamSupport.stream(blocks.spliterator(), false)
                .mapToDouble(com.fasterxml.jackson.databind.JsonNode::asDouble).sorted().toArray();
        assertThat(sorted[0]).isPositive();
        assertThat(j.get("efficiency_paired").asDouble()).isEqualTo(sorted[1]);
        // a drift past the limit is said on stderr, so that nobody reads an uncertain ratio as a result
        assertThat(r.err().contains("efficiency is uncertain")).isEqualTo(j.get("sgemm_drift").asDouble() > 0.05);
        // the overhead compares the trainer's and the raw loop's steps timed in alternating blocks
        double raw = j.get("raw_loop_ms_per_step").asDouble();
        double beside = j.get("ms_per_step_beside_raw").asDouble();
        assertThat(raw).isPositive();
        assertThat(beside).isPositive();
        assertThat(j.get("overhead_over_raw").asDouble()).isCloseTo(beside / raw - 1,
                org.assertj.core.api.Assertions.within(0.01));
        assertThat(j.get("raw_loop_leaves_out")).isEmpty(); // a plain DCGAN: the same step both ways
        assertThat(r.err()).doesNotContain("leaves out");
        assertThat(j.get("peak_rss_mb").asLong()).isGreaterThanOrEqualTo(j.get("rss_mb_end").asLong()).isPositive();
        assertThat(j.get("loader_over_step").asDouble()).isPositive();
        assertThat(j.get("allocator").asText()).isEqualTo(org.gan4j.nn.NativeMemory.allocator()); // the run's malloc, named
    }

    @Test
    void nothingIsOverwritten() throws Exception {
        Path data = TestData.mnistDir(tmp);
        Path cfg = config("ok.yaml", mlp(data, 5, 0));
        Path out = tmp.resolve("run");
        assertThat(run("train", "--config", cfg.toString(), "--out", out.toString()).code()).isZero();
        byte[] before = Files.readAllBytes(out.resolve("checkpoints/latest.pt"));
        assertUserError(run("train", "--config", cfg.toString(), "--out", out.toString()), out.toString(), "--resume");
        assertThat(Files.readAllBytes(out.resolve("checkpoints/latest.pt"))).isEqualTo(before);
        // a changed config cannot be resumed into the run
        assertUserError(run("train", "--resume", out.toString(), "--set", "train.batch_size=16"), "train.batch_size");
        assertThat(Files.readAllBytes(out.resolve("checkpoints/latest.pt"))).isEqualTo(before);
    }

    /** kill -9 mid-run, then --resume: samples are byte-for-byte those of a run that never stopped. */
    @Test
    void killedAndResumedRunSamplesIdentically() throws Exception {
        Path data = TestData.mnistDir(tmp);
        Path cfg = config("k.yaml", mlp(data, 400, 50));
        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.gan4j.cli.Main",
                "train", "--config", cfg.toString(), "--out", killed.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        Path latest = killed.resolve("checkpoints/latest.pt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(latest) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no final checkpoint
        p.waitFor(30, TimeUnit.SECONDS);
        long stoppedAt = Checkpoint.header(latest).step();
        assertThat(stoppedAt).isGreaterThan(0).isLessThan(400);

        assertThat(run("train", "--resume", killed.toString()).code()).isZero();
        Path whole = tmp.resolve("whole");
        assertThat(run("train", "--config", cfg.toString(), "--out", whole.toString()).code()).isZero();

        Path a = tmp.resolve("a.png");
        Path b = tmp.resolve("b.png");
        assertThat(run("sample", "--checkpoint", latest.toString(), "--n", "16", "--out", a.toString(), "--seed", "3").code()).isZero();
        assertThat(run("sample", "--checkpoint", whole.resolve("checkpoints/latest.pt").toString(), "--n", "16",
                "--out", b.toString(), "--seed", "3").code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Checkpoint.header(latest).step()).isEqualTo(400);
    }

    @Test
    void sampleWritesGridOrSingles() throws Exception {
        Path data = TestData.mnistDir(tmp);
        Path out = tmp.resolve("run");
        assertThat(run("train", "--config", config("s.yaml", mlp(data, 3, 0)).toString(), "--out", out.toString()).code()).isZero();
        Path ckpt = out.resolve("checkpoints/latest.pt");
        Path dir = tmp.resolve("singles");
        assertThat(run("sample", "--checkpoint", ckpt.toString(), "--n", "5", "--out", dir.toString()).code()).isZero();
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isEqualTo(5);
        }
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(dir.resolve("00000.png").toFile());
        assertThat(img.getWidth()).isEqualTo(28);
        assertUserError(run("sample", "--checkpoint", tmp.resolve("nope.pt").toString(), "--out", "x.png"), "nope.pt");
        Path junk = Files.writeString(tmp.resolve("junk.pt"), "not a checkpoint");
        assertUserError(run("sample", "--checkpoint", junk.toString(), "--out", "x.png"), "junk.pt");
        // more samples than memory holds: refused with the figures, before any is drawn
        assertUserError(run("sample", "--checkpoint", ckpt.toString(), "--n", "2000000000", "--out", tmp.resolve("x.png").toString()),
                "--n 2000000000", "GB", "at most");
        // one bit flipped in the middle of the file (its payload): named, never sampled from
        byte[] b = Files.readAllBytes(ckpt);
        b[b.length / 2] ^= 0x04;
        Path flipped = Files.write(tmp.resolve("flipped.pt"), b);
        assertUserError(run("sample", "--checkpoint", flipped.toString(), "--out", tmp.resolve("y.png").toString()),
                "flipped.pt: checksum mismatch, written at step 3");
        assertThat(tmp.resolve("y.png")).doesNotExist();
    }

    @Test
    void conditionalRunSamplesAChosenClassAndAClassGrid() throws Exception {
        Path data = TestData.mnistDir(tmp);
        Path out = tmp.resolve("crun");
        String yaml = """
                name: cgan
                data: {dataset: mnist, path: "%s", limit: 512}
                model: {architecture: dcgan28, conditioning: acgan}
                train: {steps: 3, batch_size: 16}
                log: {every: 1, sample_every: 0, checkpoint_every: 0, samples: 20}
                """.formatted(data.toString().replace("\\", "/"));
        assertThat(run("train", "--config", config("c.yaml", yaml).toString(), "--out", out.toString()).code()).isZero();
        assertThat(Files.readString(out.resolve("metrics.jsonl"))).contains("\"loss_class_d\"");
        Path ckpt = out.resolve("checkpoints/latest.pt");
        Path one = tmp.resolve("three.png");
        assertThat(run("sample", "--checkpoint", ckpt.toString(), "--n", "4", "--class", "3", "--out", one.toString()).code())
                .isZero();
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(one.toFile());
        assertThat(img.getWidth()).isEqualTo(img.getHeight()); // 2 x 2 grid
        Path grid = tmp.resolve("grid.png");
        assertThat(run("sample", "--checkpoint", ckpt.toString(), "--n", "5", "--class-grid", "--out", grid.toString()).code())
                .isZero();
        java.awt.image.BufferedImage g = javax.imageio.ImageIO.read(grid.toFile());
        assertThat(g.getHeight()).as("10 rows of 28 px and 2 px gaps").isEqualTo(10 * 30 + 2);
        assertThat(g.getWidth()).as("5 columns").isEqualTo(5 * 30 + 2);
        assertUserError(run("sample", "--checkpoint", ckpt.toString(), "--class", "10", "--out", one.toString()),
                "--class", "[0, 9]", "10");
        Path plain = tmp.resolve("plain");
        assertThat(run("train", "--config", config("p.yaml", mlp(data, 2, 0)).toString(), "--out", plain.toString()).code()).isZero();
        assertUserError(run("sample", "--checkpoint", plain.resolve("checkpoints/latest.pt").toString(), "--class", "1",
                "--out", one.toString()), "neither class-conditional", "nor has latent components");
    }
}
