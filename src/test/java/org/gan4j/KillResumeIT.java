package org.gan4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.TensorVector;
import org.gan4j.cli.Main;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.gan4j.nn.Net;
import org.gan4j.nn.Tensors;
import org.gan4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at 20 points of a small MNIST run, each aimed at a moment: while a checkpoint is being
 * written, while a sample grid is, during an evaluation, or at a random step; each run resumed
 * with {@code train --resume} ends with bitwise the weights and statistics of G, D and the EMA
 * of the run that never stopped.
 */
class KillResumeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STEPS = 200;
    private static final int EVAL_EVERY = 60;
    private static final String[] MOMENTS = {"checkpoint write", "sample grid write", "evaluation", "a step"};

    @TempDir
    Path tmp;

    record Trial(int n, String aimed, long lastRow, String writing, long resumedFrom, boolean identical) {
    }

    @Test
    void twentyKillsGiveTwentyBitwiseIdenticalFinals() throws Exception {
        Path data = TestData.generatedMnistDir(tmp); // the resume is under test, not the digits: no 10,000 to load 40 times
        Path extractor = tmp.resolve("extractor.pt");
        try (var in = getClass().getClassLoader().getResourceAsStream("org/gan4j/eval/tiny-extractor.pt")) {
            Files.copy(in, extractor);
        }
        Path cfg = tmp.resolve("k.yaml");
        Files.writeString(cfg, """
                name: kill
                data: {dataset: mnist, path: "%s", limit: 512}
                model: {architecture: mlp, width: 128}
                train: {steps: %d, batch_size: 32, ema_decay: 0.99}
                log: {every: 10, sample_every: 20, checkpoint_every: 20, samples: 16, keep_checkpoints: 3}
                eval: {every: %d, samples: 300, classifier: "%s"}
                """.formatted(slashes(data), STEPS, EVAL_EVERY, slashes(extractor)));
        Path whole = tmp.resolve("whole");
        assertThat(Main.run("train", "--config", cfg.toString(), "--out", whole.toString())).isZero();
        float[] want = state(whole.resolve("checkpoints/latest.pt"));

        Random rnd = new Random(20261208);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String aimed = MOMENTS[i % MOMENTS.length];
            Path run = tmp.resolve("k" + i);
            long after = 20 + rnd.nextInt(STEPS - 80);
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.gan4j.cli.Main",
                    "train", "--config", cfg.toString(), "--out", run.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("k" + i + ".log").toFile()).start();
            long delayMs = rnd.nextInt(400);
            Supplier<Boolean> moment = switch (aimed) {
                case "checkpoint write" -> () -> hasTmp(run.resolve("checkpoints"));
                case "sample grid write" -> () -> hasTmp(run.resolve("samples"));
                case "evaluation" -> () -> inEvaluation(run);
                default -> () -> true;
            };
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && System.nanoTime() < deadline && lastRow(run) < after) {
                Thread.sleep(2);
            }
            if (aimed.equals("a step")) {
                Thread.sleep(delayMs);
            }
            while (p.isAlive() && System.nanoTime() < deadline && !moment.get()) {
                Thread.onSpinWait();
            }
            assertThat(p.isAlive()).as("trial %d still running when killed (see k%d.log)", i, i).isTrue();
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no final checkpoint
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String writing = writing(run);
            long last = lastRow(run);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream old = System.out;
            int code;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = Main.run("train", "--resume", run.toString());
            } finally {
                System.setOut(old);
            }
            assertThat(code).as("resume of trial %d: %s", i, out).isZero();
            Matcher m = Pattern.compile("at step (\\d+)").matcher(out.toString(StandardCharsets.UTF_8));
            long from = m.find() ? Long.parseLong(m.group(1)) : -1;
            float[] got = state(run.resolve("checkpoints/latest.pt"));
            trials.add(new Trial(i, aimed, last, writing, from, java.util.Arrays.equals(got, want)));
        }

        System.out.println("| kill | aimed at | last row written | being written when killed | resumed from step | identical |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Trial t : trials) {
            System.out.printf(Locale.ROOT, "| %d | %s | %d | %s | %d | %s |%n", t.n() + 1, t.aimed(), t.lastRow(),
                    t.writing(), t.resumedFrom(), t.identical() ? "yes" : "no");
        }
        assertThat(trials).allSatisfy(t -> assertThat(t.identical()).as("trial %d", t.n()).isTrue());
        assertThat(trials).allSatisfy(t -> assertThat(t.resumedFrom()).as("trial %d", t.n()).isPositive());
        // the aimed moments were met: a checkpoint's and a grid's temporary file left by the kill, a score missing
        assertThat(trials).filteredOn(t -> t.aimed().equals("checkpoint write"))
                .allSatisfy(t -> assertThat(t.writing()).contains("checkpoints/"));
        // a grid's write lasts about a millisecond: the kill can land just after its rename, so one of five must catch it
        assertThat(trials).filteredOn(t -> t.aimed().equals("sample grid write"))
                .anySatisfy(t -> assertThat(t.writing()).contains("samples/"));
        assertThat(trials).filteredOn(t -> t.aimed().equals("evaluation"))
                .allSatisfy(t -> assertThat(t.writing()).contains("evaluation"));
    }

    /**
     * G's, D's and the EMA's weights and buffers, loaded from {@code checkpoint}: the archive's
     * bytes hold names numbered by the process that wrote them, so the tensors are compared.
     */
    private static float[] state(Path checkpoint) {
        ExperimentConfig c = Checkpoint.header(checkpoint).config(checkpoint.toString());
        Models.Pair pair = Models.build(c);
        Generator ema = Models.generator(c);
        Checkpoint.load(checkpoint, pair.g(), pair.d(), null, null, ema);
        List<Float> all = new ArrayList<>();
        for (Net n : List.of(pair.g(), pair.d(), ema)) {
            for (TensorVector ts : List.of(n.parameters(), n.buffers())) {
                for (long i = 0; i < ts.size(); i++) {
                    if (ts.get(i).is_floating_point()) {
                        for (float f : Tensors.toFloats(ts.get(i))) {
                            all.add(f);
                        }
                    }
                }
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static String slashes(Path p) {
        return p.toString().replace("\\", "/");
    }

    private static boolean hasTmp(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The metrics' last row is the training row of a step scored next, and its score is not there yet. */
    private static boolean inEvaluation(Path run) {
        JsonNode last = lastJson(run);
        return last != null && !last.has("event") && last.get("step").asLong() % EVAL_EVERY == 0;
    }

    private static long lastRow(Path run) {
        JsonNode last = lastJson(run);
        return last == null ? 0 : last.get("step").asLong();
    }

    private static JsonNode lastJson(Path run) {
        Path f = run.resolve("metrics.jsonl");
        try {
            if (!Files.exists(f)) {
                return null;
            }
            List<String> lines = Files.readAllLines(f);
            for (int i = lines.size() - 1; i >= 0; i--) {
                try {
                    JsonNode n = JSON.readTree(lines.get(i));
                    if (n != null && n.has("step")) {
                        return n;
                    }
                } catch (IOException e) {
                    // a line cut short by the kill
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** The temporary files the kill left (what was being written), or an evaluation under way, or "-". */
    private static String writing(Path run) throws IOException {
        List<String> left = new ArrayList<>();
        for (String sub : new String[] {"checkpoints", "samples", "plots"}) {
            Path d = run.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                            .forEach(f -> left.add(sub + "/" + f.getFileName()));
                }
            }
        }
        if (inEvaluation(run)) {
            left.add("evaluation of step " + lastRow(run));
        }
        return left.isEmpty() ? "-" : String.join(", ", left);
    }
}
