package org.gan4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.eval.Classifier;
import org.gan4j.models.Models;
import org.gan4j.nn.Versions;
import org.gan4j.train.Experiment;
import org.gan4j.train.MetricsListener;
import org.gan4j.train.MetricsLog;
import org.gan4j.train.Progress;
import org.gan4j.train.RunDir;
import org.gan4j.train.Trainer;
import org.gan4j.viz.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Quality per minute of training: trains a config as {@code gan4j train} does (the same
 * assembler, the same run directory), scored every N steps, and writes FID and the confident
 * share against training seconds, the evaluations' own time left out, so the curve shows what a
 * run without them reaches by each point (quality-curve.json and quality-curve.png).
 */
@Command(name = "quality-curve",
        description = "Train a config, scoring it every N steps: FID and confident share over training seconds.")
final class BenchQualityCurve implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Experiment config (YAML).")
    Path config;

    @Option(names = "--classifier", required = true, paramLabel = "FILE",
            description = "Scoring classifier with class logits (from 'gan4j classifier train').")
    Path classifier;

    @Option(names = "--every", defaultValue = "250", description = "Steps between scores (default ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples per score (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. train.steps=2000.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/quality-curve-<name>, never reused).")
    Path out;

    @Option(names = "--json", description = "Print the JSON report instead of the table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (every <= 0) {
            throw new UserError("--every: must be > 0, got " + every);
        }
        if (samples < 2) {
            throw new UserError("--samples: must be >= 2, got " + samples);
        }
        List<String> sets = new ArrayList<>(overrides);
        sets.add("eval.every=" + every);
        sets.add("eval.samples=" + samples);
        sets.add("eval.classifier=" + classifier);
        ExperimentConfig cfg = ConfigLoader.load(config, sets);
        // before a run directory is made: a missing file, the wrong image shape or a classifier
        // without class logits fails here, not after config.yaml is written
        Classifier c = Classifier.load(classifier).forShape(Models.sampleShape(cfg), "--classifier " + classifier);
        if (c.classes() == 0) {
            throw new UserError("--classifier " + classifier + ": gives features only; the confident share needs"
                    + " class probabilities (a classifier from 'gan4j classifier train')");
        }
        RunDir dir;
        if (out != null) {
            dir = new RunDir(out);
            if (dir.inUse()) {
                throw new UserError("--out " + out + ": already holds files; give another directory");
            }
        } else {
            dir = RunDir.fresh(Path.of("runs", "quality-curve-" + cfg.name()));
        }
        PrintStream log = json ? System.err : System.out; // with --json, stdout holds the JSON alone
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("config", cfg.name());
        report.put("cpu", cpu());
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Trainer t = Experiment.start(cfg, dir, log, !json && Progress.isTerminal())) {
            log.println("training " + cfg.name() + " into " + dir.root() + ", scored every " + every + " steps on "
                    + samples + " samples");
            t.fit();
            report.put("threads", torch.get_num_threads());
            report.put("device", t.device().is_cuda() ? "cuda" : "cpu");
            for (Map<String, Object> r : t.listener(MetricsListener.class).rows()) {
                if ("eval".equals(r.get("event"))) {
                    rows.add(row(r));
                }
            }
        }
        report.put("steps", cfg.train().steps());
        report.put("every", every);
        report.put("samples", samples);
        report.put("rows", rows);
        report.put("versions", Versions.all());
        Path file = dir.root().resolve("quality-curve.json");
        Files.writeString(file, Json.pretty(report) + "\n");
        Path png = dir.root().resolve("quality-curve.png");
        List<Double> x = MetricsLog.series(rows, "seconds");
        Plots.withShare(png, cfg.name() + ": quality over training time", "training seconds (evaluations left out)", x,
                "FID (classifier features)", MetricsLog.series(rows, "fid"), "confident % (p >= 0.9)",
                MetricsLog.series(rows, "confident_share"));
        if (json) {
            Json.print(report);
        } else {
            System.out.printf(Locale.ROOT, "%s on %s, %s threads; %d samples per score%n", cfg.name(), report.get("cpu"),
                    report.get("threads"), samples);
            System.out.printf(Locale.ROOT, "%8s %9s %10s %12s%n", "step", "minutes", "FID", "confident %");
            for (Map<String, Object> r : rows) {
                System.out.printf(Locale.ROOT, "%8d %9.2f %10.3f %12.1f%n", r.get("step"),
                        (double) r.get("seconds") / 60, r.get("fid"), 100 * (double) r.get("confident_share"));
            }
        }
        log.println("curve in " + file + " and " + png + "; checkpoint " + dir.latest());
        return 0;
    }

    /** The curve's columns of one eval row of metrics.jsonl. */
    private static Map<String, Object> row(Map<String, Object> eval) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("step", ((Number) eval.get("step")).longValue());
        r.put("seconds", eval.get("seconds"));
        r.put("fid", eval.get("fid"));
        r.put("confident_share", eval.get("confident_share"));
        r.put("classes", ((Number) eval.get("classes_covered")).intValue());
        r.put("class_kl", eval.get("class_kl"));
        return r;
    }

    /** The CPU's model name from /proc/cpuinfo (x86 Linux), else the JVM's os.arch. */
    static String cpu() {
        try {
            Matcher m = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(Files.readString(Path.of("/proc/cpuinfo")));
            if (m.find()) {
                return m.group(1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture is what there is
        }
        return System.getProperty("os.arch");
    }
}
