package org.gan4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.gan4j.data.ArrayDataset;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.data.Dataset;
import org.gan4j.data.Datasets;
import org.gan4j.eval.Classifier;
import org.gan4j.eval.StackedModes;
import org.gan4j.train.RunDir;
import org.gan4j.train.Sampler;
import org.gan4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stacked-mnist", description = "Train DCGAN and packed DCGAN on Stacked MNIST; count the 1,000 modes they cover.")
final class BenchStackedMnist implements Callable<Integer> {
    /**
     * Variants as overrides of the base setting; pacdcgan2 is PacGAN's best on this benchmark;
     * clustered is the main job's unconditional recipe, its labels 10 k-means clusters per channel.
     */
    static final Map<String, List<String>> VARIANTS = Map.of(
            "dcgan", List.of(),
            "pacdcgan2", List.of("model.packing=2"),
            "clustered", List.of("model.conditioning=projection", "data.clusters=10", "data.cluster_channels=true",
                    "train.lr_decay_start=0.5"));

    @Option(names = "--classifier", required = true, paramLabel = "FILE", description = "An MNIST classifier from 'gan4j classifier train'.")
    Path classifier;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the MNIST files (default: the usual search).")
    String data;

    @Option(names = "--variants", split = ",", defaultValue = "dcgan,pacdcgan2")
    List<String> variants;

    @Option(names = "--steps", defaultValue = "2000", description = "Training steps per variant (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--samples", defaultValue = "26000", description = "Samples scored (default ${DEFAULT-VALUE}, as in the literature).")
    int samples;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra config overrides for every variant.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", defaultValue = "runs/bench-stacked-mnist", paramLabel = "DIR")
    Path out;

    @Option(names = "--json")
    boolean json;

    /** dcgan-mnist's setting on three channels. */
    static List<String> base(String data, int steps, long seed) {
        List<String> b = new ArrayList<>(List.of("name=stacked-mnist", "seed=" + seed, "data.dataset=stacked-mnist",
                "model.architecture=dcgan28", "objective.loss=non-saturating", "train.steps=" + steps,
                "train.optimizer_g.lr=1e-3", "train.optimizer_d.lr=1e-3", "train.ema_decay=0.995",
                "log.every=100", "log.sample_every=0", "log.checkpoint_every=0"));
        if (data != null) {
            b.add("data.path=" + data);
        }
        return b;
    }

    @Override
    public Integer call() throws Exception {
        for (String v : variants) {
            if (!VARIANTS.containsKey(v)) {
                throw new UserError("--variants: unknown variant '" + v + "' (known: " + String.join(", ", new TreeSet<>(VARIANTS.keySet())) + ")");
            }
        }
        if (samples <= 0 || steps <= 0) {
            throw new UserError("--samples and --steps must be > 0");
        }
        Classifier c = Classifier.load(classifier);
        List<Map<String, Object>> rows = new ArrayList<>();
        ExperimentConfig realCfg = ConfigLoader.fromYaml("bench", "{}", with(base(data, steps, seed + 1),
                "data.stacked_samples=" + samples));
        ArrayDataset real = Datasets.load(realCfg);
        rows.add(row("real data", StackedModes.of(c, real.values(), samples), 0));
        for (String v : variants) {
            List<String> o = new ArrayList<>(base(data, steps, seed));
            o.addAll(VARIANTS.get(v));
            o.addAll(sets);
            ExperimentConfig cfg = ConfigLoader.fromYaml("bench", "{}", o);
            long t0 = System.nanoTime();
            RunDir dir = RunDir.fresh(out.resolve(v));
            try (Trainer t = org.gan4j.train.Experiment.start(cfg, dir, System.err, false)) {
                t.fit();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            float[] x = Sampler.draw(Sampler.load(dir.latest(), false), samples, seed);
            rows.add(row(v, StackedModes.of(c, x, samples), secs));
        }
        if (json) {
            Json.print(Map.of("samples", samples, "steps", steps, "rows", rows));
        } else {
            System.out.printf(Locale.ROOT, "Stacked MNIST, %d samples scored, %d training steps per variant%n", samples, steps);
            System.out.printf(Locale.ROOT, "%-12s %8s %10s %10s%n", "variant", "modes", "KL", "train s");
            for (Map<String, Object> r : rows) {
                System.out.printf(Locale.ROOT, "%-12s %8d %10.3f %10.0f%n", r.get("variant"), r.get("modes"), r.get("kl"),
                        r.get("seconds"));
            }
        }
        return 0;
    }

    private static List<String> with(List<String> l, String extra) {
        List<String> o = new ArrayList<>(l);
        o.add(extra);
        return o;
    }

    private static Map<String, Object> row(String variant, StackedModes m, double secs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("variant", variant);
        r.put("modes", m.modesCovered());
        r.put("kl", m.klToUniform());
        r.put("seconds", secs);
        return r;
    }
}
