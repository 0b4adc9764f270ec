package org.gan4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.gan4j.TestData;
import org.gan4j.config.ConfigLoader;
import org.gan4j.data.Datasets;
import org.gan4j.eval.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchQualityCurveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path config(Path data) throws Exception {
        Path cfg = tmp.resolve("g.yaml");
        Files.writeString(cfg, """
                name: curve
                data: {dataset: mnist, path: "%s", limit: 512}
                model: {architecture: mlp, width: 32}
                train: {steps: 25, batch_size: 32}
                log: {every: 10, sample_every: 0, checkpoint_every: 0, samples: 16}
                """.formatted(data.toString().replace("\\", "/")));
        return cfg;
    }

    /** A LeNet of one epoch over 412 of the digits: poor, but it gives class probabilities, and in seconds. */
    private Path classifier(Path cfg) {
        var data = Datasets.load(ConfigLoader.load(cfg, List.of()));
        Path clf = tmp.resolve("clf.pt");
        Classifier.train(data, 100, 1, 7, s -> { }).classifier().save(clf);
        return clf;
    }

    @Test
    void writesTheCurveFromEvalRowsThatLeaveTheirOwnTimeOut() throws Exception {
        Path cfg = config(TestData.mnistDir(tmp));
        Path clf = classifier(cfg);
        Path run = tmp.resolve("run");
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.run("bench", "quality-curve", "--config", cfg.toString(), "--classifier", clf.toString(),
                "--every", "10", "--samples", "100", "--out", run.toString(), "--json");
        double wall = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("eval: fid").contains(" confident ");

        // metrics.jsonl: each score with its confident share, and seconds that leave the scoring out
        List<JsonNode> evals = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode row = JSON.readTree(line);
            if ("eval".equals(row.path("event").asText())) {
                evals.add(row);
            }
        }
        assertThat(evals).extracting(n -> n.get("step").asInt()).containsExactly(10, 20, 25);
        double previous = 0;
        double evalTotal = 0;
        for (JsonNode e : evals) {
            assertThat(e.get("confident_share").asDouble()).isBetween(0.0, 1.0);
            assertThat(e.get("confident_classes").asInt()).isBetween(0, 10);
            assertThat(e.get("confident_kl").asDouble()).isGreaterThanOrEqualTo(0.0);
            assertThat(e.get("seconds").asDouble()).isGreaterThan(previous);
            assertThat(e.get("eval_seconds").asDouble()).isPositive();
            previous = e.get("seconds").asDouble();
            evalTotal += e.get("eval_seconds").asDouble();
        }
        assertThat(previous + evalTotal).isLessThanOrEqualTo(wall);

        // the report on stdout is the file's, one row per score
        JsonNode report = JSON.readTree(r.out());
        assertThat(JSON.readTree(run.resolve("quality-curve.json").toFile())).isEqualTo(report);
        assertThat(report.get("config").asText()).isEqualTo("curve");
        assertThat(report.get("cpu").asText()).isNotBlank();
        assertThat(report.get("threads").asInt()).isPositive();
        JsonNode rows = report.get("rows");
        assertThat(rows).hasSize(3); // 25 steps every 10: 10, 20 and the end
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get("step").asInt()).isEqualTo(evals.get(i).get("step").asInt());
            assertThat(row.get("seconds").asDouble()).isEqualTo(evals.get(i).get("seconds").asDouble());
            assertThat(row.get("fid").asDouble()).isEqualTo(evals.get(i).get("fid").asDouble());
            assertThat(row.get("confident_share").asDouble()).isEqualTo(evals.get(i).get("confident_share").asDouble());
            assertThat(row.get("classes").asInt()).isBetween(1, 10);
            assertThat(row.has("class_kl")).isTrue();
        }
        assertThat(ImageIO.read(run.resolve("quality-curve.png").toFile())).isNotNull();
        assertThat(run.resolve("checkpoints/latest.pt")).isRegularFile();

        // the table: a row per score; the same directory again is refused
        CliTest.Result table = CliTest.run("bench", "quality-curve", "--config", cfg.toString(), "--classifier",
                clf.toString(), "--every", "5", "--samples", "50", "--set", "train.steps=10",
                "--out", tmp.resolve("table").toString());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("minutes", "confident %");
        assertThat(table.out().lines().filter(l -> l.matches("\\s+(5|10)\\s+\\d+\\.\\d\\d\\s.*"))).hasSize(2);
        assertUserError(CliTest.run("bench", "quality-curve", "--config", cfg.toString(), "--classifier", clf.toString(),
                "--out", run.toString()), "--out", "already holds files");
    }

    @Test
    void badInputsEndInOneLineAndExitTwo() throws Exception {
        Path cfg = config(TestData.mnistDir(tmp));
        Path out = tmp.resolve("never");
        assertUserError(CliTest.run("bench", "quality-curve", "--config", cfg.toString(),
                "--classifier", tmp.resolve("none.pt").toString(), "--out", out.toString()), "none.pt");
        assertThat(out).doesNotExist();
        assertUserError(CliTest.run("bench", "quality-curve", "--config", cfg.toString(),
                "--classifier", tmp.resolve("none.pt").toString(), "--every", "0"), "--every", "0");
        assertUserError(CliTest.run("bench", "quality-curve", "--config", cfg.toString(),
                "--classifier", tmp.resolve("none.pt").toString(), "--samples", "1"), "--samples", "1");
    }

    private static void assertUserError(CliTest.Result r, String... mentions) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        for (String m : mentions) {
            assertThat(r.err()).contains(m);
        }
    }
}
