package org.gan4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.train.Checkpoint;
import org.gan4j.train.Progress;
import org.gan4j.train.RunDir;
import org.gan4j.train.Experiment;
import org.gan4j.train.SampleListener;
import org.gan4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Train a GAN from a YAML experiment config.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Experiment config (YAML).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. train.steps=500.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<name>, never reused).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its latest checkpoint.")
    Path resume;

    @Override
    public Integer call() {
        Trainer trainer;
        RunDir dir;
        if (resume != null) {
            dir = new RunDir(resume);
            Path from = Experiment.intactCheckpoint(dir, System.err);
            ExperimentConfig saved = Checkpoint.header(from).config(from.toString());
            ExperimentConfig cfg = saved;
            if (config != null || !overrides.isEmpty()) {
                // the saved weights' layout wins: a run from before model.g_bn_bias keeps its biases
                List<String> withLayout = new ArrayList<>(List.of("model.g_bn_bias=" + saved.model().gBnBias()));
                withLayout.addAll(overrides);
                cfg = config != null ? ConfigLoader.load(config, withLayout)
                        : ConfigLoader.fromYaml(from.toString(), ConfigLoader.toYaml(saved), withLayout);
                List<String> diff = org.gan4j.train.ConfigDiff.changed(saved, cfg);
                diff.remove("train.steps"); // extending a run is allowed
                diff.remove("train.fast_paths"); // the same maths by another path
                if (!diff.isEmpty()) {
                    throw new UserError("--resume " + resume + ": config differs from the run's in " + diff
                            + "; start a new run instead");
                }
            }
            trainer = Experiment.resume(dir, from, cfg, System.out, Progress.isTerminal());
            System.out.println("resuming " + dir.root() + " at step " + trainer.step());
        } else {
            if (config == null) {
                throw new UserError("train: give --config FILE (or --resume DIR)");
            }
            ExperimentConfig cfg = ConfigLoader.load(config, overrides);
            if (out != null) {
                dir = new RunDir(out);
                if (dir.inUse()) {
                    throw new UserError("--out " + out + ": already holds files; use --resume " + out
                            + " to continue that run, or another directory");
                }
            } else {
                dir = RunDir.fresh(Path.of("runs", cfg.name()));
            }
            trainer = Experiment.start(cfg, dir, System.out, Progress.isTerminal());
            System.out.println("training " + cfg.name() + " into " + dir.root());
        }
        try (Trainer t = trainer) {
            t.fit();
        }
        SampleListener samples = trainer.listener(SampleListener.class);
        if (samples != null && samples.lastCoverage() != null) {
            var m = samples.lastCoverage();
            System.out.printf(java.util.Locale.ROOT, "modes %d/%d  high quality %.1f%%  reverse KL %.3f  (2,500 samples)%n",
                    m.modesCovered(), m.modes(), 100 * m.highQualityShare(), m.reverseKl());
        }
        System.out.println("done: " + trainer.step() + " steps; checkpoint " + dir.latest()
                + ", samples in " + dir.samples() + ", plots in " + dir.plots());
        return 0;
    }
}
