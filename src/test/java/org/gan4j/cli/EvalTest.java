package org.gan4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gan4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalTest {
    @TempDir
    Path tmp;

    @Test
    void evalPrintsEveryMetricBesideTheRealFloorAndWritesNpyFeatures() throws Exception {
        Path data = TestData.mnistDir(tmp);
        int heldOut = 200;
        Path clf = tmp.resolve("clf.pt");
        CliTest.Result c = CliTest.run("classifier", "train", "--dataset", "mnist", "--data", data.toString(),
                "--epochs", TestData.isGenerated(data) ? "20" : "1", "--held-out", Integer.toString(heldOut), "--out", clf.toString());
        assertThat(c.code()).as(c.err()).isZero();
        Path cfg = tmp.resolve("g.yaml");
        Files.writeString(cfg, """
                name: evalg
                data: {dataset: mnist, path: "%s", limit: 512}
                model: {architecture: mlp, width: 32}
                train: {steps: 30, batch_size: 32}
                log: {every: 10, sample_every: 0, checkpoint_every: 0, samples: 16}
                """.formatted(data.toString().replace("\\", "/")));
        Path run = tmp.resolve("run");
        CliTest.Result t = CliTest.run("train", "--config", cfg.toString(), "--out", run.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path feats = tmp.resolve("feats");
        CliTest.Result r = CliTest.run("eval", "--checkpoint", run.resolve("checkpoints/latest.pt").toString(),
                "--dataset", "mnist", "--data", data.toString(), "--classifier", clf.toString(), "--n", "300",
                "--held-out", Integer.toString(heldOut), "--json", "--features-out", feats.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode gen = j.get("generated");
        JsonNode floor = j.get("real_floor");
        for (String k : new String[] {"fid", "kid", "classifier_score", "precision", "recall", "density", "coverage",
                "classes_covered", "class_kl"}) {
            assertThat(gen.has(k)).as(k).isTrue();
            assertThat(floor.has(k)).as(k).isTrue();
        }
        // 30 steps of a tiny MLP G are far from real digits; held-out real digits are not
        assertThat(floor.get("fid").asDouble()).isLessThan(gen.get("fid").asDouble());
        JsonNode few = j.get("generated_at_floor_count");
        assertThat(floor.get("coverage").asDouble()).isGreaterThan(few.get("coverage").asDouble());
        assertThat(floor.get("fid").asDouble()).isLessThan(few.get("fid").asDouble());
        byte[] npy = Files.readAllBytes(feats.resolve("generated.npy"));
        String header = new String(npy, 10, (npy[8] & 0xff) | (npy[9] & 0xff) << 8, StandardCharsets.US_ASCII);
        assertThat(header).contains("'<f4'").contains("(300, 128)").endsWith("\n");
        assertThat((10 + header.length()) % 64).isZero();
        assertThat(npy.length).isEqualTo(10 + header.length() + 300 * 128 * 4);
        assertThat(j.get("seconds_by_stage").has("generate")).isTrue();

        // a user's TorchScript extractor in place of the LeNet (the committed 8-feature fixture)
        Path script = tmp.resolve("tiny-extractor.pt");
        try (var in = getClass().getClassLoader().getResourceAsStream("org/gan4j/eval/tiny-extractor.pt")) {
            Files.copy(in, script);
        }
        CliTest.Result ts = CliTest.run("eval", "--checkpoint", run.resolve("checkpoints/latest.pt").toString(),
                "--dataset", "mnist", "--data", data.toString(), "--classifier", script.toString(), "--n", "100",
                "--held-out", Integer.toString(heldOut), "--json", "--features-out", tmp.resolve("tsfeats").toString());
        assertThat(ts.code()).as(ts.err()).isZero();
        JsonNode tj = new ObjectMapper().readTree(ts.out());
        assertThat(tj.get("generated").get("fid").asDouble()).isPositive();
        assertThat(tj.get("generated").has("classifier_score")).isTrue();
        assertThat(new String(Files.readAllBytes(tmp.resolve("tsfeats/generated.npy")), StandardCharsets.ISO_8859_1))
                .contains("(100, 8)");

        // the same run scored during training: rows in metrics.jsonl, a plot, best.pt at the lowest FID
        Path scored = tmp.resolve("scored");
        CliTest.Result e = CliTest.run("train", "--config", cfg.toString(), "--out", scored.toString(),
                "--set", "eval.every=10", "--set", "eval.samples=100", "--set", "eval.classifier=" + clf);
        assertThat(e.code()).as(e.err()).isZero();
        java.util.List<JsonNode> evals = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(scored.resolve("metrics.jsonl"))) {
            JsonNode row = new ObjectMapper().readTree(line);
            if (row.has("fid")) {
                evals.add(row);
            }
        }
        assertThat(evals).extracting(n -> n.get("step").asInt()).containsExactly(10, 20, 30);
        JsonNode best = evals.stream().min(java.util.Comparator.comparingDouble(n -> n.get("fid").asDouble())).get();
        assertThat(org.gan4j.train.Checkpoint.header(scored.resolve("checkpoints/best.pt")).step())
                .isEqualTo(best.get("step").asLong());
        assertThat(scored.resolve("plots/fid.png")).isRegularFile();
        assertThat(scored.resolve("plots/losses.png")).isRegularFile();

        // Stacked MNIST: real stacked digits cover nearly as many modes as samples; both variants train and score
        CliTest.Result st = CliTest.run("bench", "stacked-mnist", "--classifier", clf.toString(), "--data", data.toString(),
                "--steps", "3", "--samples", "200", "--out", tmp.resolve("stacked").toString(), "--json",
                "--set", "data.limit=512", "--set", "data.stacked_samples=256", "--set", "train.batch_size=16");
        assertThat(st.code()).as(st.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(st.out()).get("rows");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("variant").asText()).isEqualTo("real data");
        // 200 draws from 1,000 equally likely triples: ~181 distinct expected; a poor classifier loses some
        assertThat(rows.get(0).get("modes").asInt()).isGreaterThan(120);
        assertThat(rows.get(2).get("variant").asText()).isEqualTo("pacdcgan2");
        assertThat(tmp.resolve("stacked/pacdcgan2/checkpoints/latest.pt")).isRegularFile();
    }

    @Test
    void missingClassifierIsAOneLineError() {
        CliTest.Result r = CliTest.run("eval", "--checkpoint", tmp.resolve("none.pt").toString(), "--dataset", "mnist",
                "--classifier", tmp.resolve("clf.pt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }
}
