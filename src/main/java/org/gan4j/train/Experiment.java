package org.gan4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.gan4j.config.Choices;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.data.ClusteredDataset;
import org.gan4j.data.Dataset;
import org.gan4j.data.Datasets;
import org.gan4j.models.ClusterPrior;
import org.gan4j.models.Models;
import org.gan4j.nn.Archives;
import org.gan4j.nn.Devices;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Versions;
import org.gan4j.objectives.GanLoss;
import org.gan4j.objectives.Objective;
import org.gan4j.objectives.Terms;

/**
 * The one assembler from an experiment config to the API's objects: the command line builds
 * every trainer here, so the two cannot drift apart.
 */
public final class Experiment {
    private Experiment() {
    }

    /** A new run in {@code dir} (empty or absent) with the usual listeners; config.yaml written first. */
    public static Trainer start(ExperimentConfig c, RunDir dir, PrintStream out, boolean terminal) {
        Dataset data = load(c);
        dir.create();
        try {
            Files.writeString(dir.config(), provenance(c) + ConfigLoader.toYaml(c));
        } catch (IOException e) {
            throw new UserError(dir.config() + ": cannot be written (" + Archives.reason(e, dir.config()) + ")");
        }
        return withListeners(builder(c, data), c, data, dir, out, terminal).build();
    }

    /** Continues the run in {@code dir} from its newest intact checkpoint; damaged ones are named on {@code out}. */
    public static Trainer resume(RunDir dir, ExperimentConfig c, PrintStream out, boolean terminal) {
        return resume(dir, intactCheckpoint(dir, out), c, out, terminal);
    }

    /** Continues the run in {@code dir} from {@code checkpoint} (see {@link #intactCheckpoint}); a changed config is refused. */
    public static Trainer resume(RunDir dir, Path checkpoint, ExperimentConfig c, PrintStream out, boolean terminal) {
        Dataset data = load(c);
        Trainer t = withListeners(builder(c, data), c, data, dir, out, terminal).build();
        try {
            return t.resumeFrom(checkpoint);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * The newest checkpoint of {@code dir} that reads back whole: latest.pt, else the step files
     * newest first. Each damaged one is named on {@code err}; none intact ends in a {@link UserError}.
     */
    public static Path intactCheckpoint(RunDir dir, PrintStream err) {
        List<Path> tried = new ArrayList<>();
        String first = null;
        for (Path p : dir.resumeCandidates()) {
            if (sameAsOneOf(p, tried)) {
                continue; // latest.pt is a link to the newest step file
            }
            tried.add(p);
            try (PointerScope scope = new PointerScope()) {
                long step = Checkpoint.open(p).header().step();
                Path newer = newerStepFile(dir, step);
                if (newer != null) {
                    p = newer; // killed between a step file and latest.pt's link to it
                }
                if (first != null) {
                    err.println("gan4j: resuming from " + p + " instead");
                }
                return p;
            } catch (UserError e) {
                err.println("gan4j: " + e.getMessage());
                first = first == null ? e.getMessage() : first;
            }
        }
        throw new UserError(first != null ? dir.checkpoints() + ": no intact checkpoint to resume from"
                : "--resume " + dir.root() + ": no checkpoint at " + dir.latest());
    }

    /** The newest intact step file past {@code step}, or null. */
    private static Path newerStepFile(RunDir dir, long step) {
        List<Path> files = new ArrayList<>(dir.stepCheckpoints());
        Collections.reverse(files);
        for (Path f : files) {
            if (RunDir.stepOf(f) <= step) {
                return null;
            }
            try (PointerScope scope = new PointerScope()) {
                Checkpoint.open(f);
                return f;
            } catch (UserError e) {
                // damaged: an older one may do
            }
        }
        return null;
    }

    private static boolean sameAsOneOf(Path p, List<Path> others) {
        for (Path o : others) {
            try {
                if (Files.isSameFile(p, o)) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** A trainer with no run directory, for benchmarks: steps only, no files. */
    public static Trainer detached(ExperimentConfig c) {
        return builder(c, load(c)).build();
    }

    /** The data, checked against the shape the model takes. */
    public static Dataset load(ExperimentConfig c) {
        Dataset data = Datasets.load(c);
        if (c.data().clusters() > 0) {
            long seed = Seeds.mix(c.seed(), -5);
            data = c.data().clusterChannels() ? ClusteredDataset.ofChannels(data, c.data().clusters(), seed)
                    : ClusteredDataset.of(data, c.data().clusters(), seed);
        }
        long[] want = Models.sampleShape(c);
        if (!Arrays.equals(want, data.sampleShape())) {
            throw new UserError(data.name() + ": samples of shape " + Arrays.toString(data.sampleShape())
                    + " cannot go through model.architecture '" + c.model().architecture() + "', which takes "
                    + Arrays.toString(want));
        }
        return data;
    }

    /** A builder with everything the config says but listeners (the memory one aside). */
    public static Trainer.Builder builder(ExperimentConfig c, Dataset data) {
        ExperimentConfig.Train t = c.train();
        ExperimentConfig.Objective o = c.objective();
        Devices.threads(t.threads()); // before libtorch's first op: its default count is read first
        Seeds.seedTorch(c.seed());
        Models.Pair pair = Models.build(c);
        InputSource inputs = InputSource.noise(pair.g().zDim(), pair.d().classes(), o.modeSeeking() > 0);
        if (data instanceof ClusteredDataset cd && pair.g() instanceof ClusterPrior p) {
            // fakes take clusters as often as the reals have them, and samples follow the same shares
            p.setShares(cd.shares());
            inputs = InputSource.noise(pair.g().zDim(), cd.shares(), o.modeSeeking() > 0);
        }
        Trainer.Builder b = Trainer.builder()
                .setGenerator(pair.g())
                .setDiscriminator(pair.d())
                .setData(data)
                .optObjective(objective(c))
                .optOptimizerG(t.optimizerG())
                .optOptimizerD(t.optimizerD())
                .optInputs(inputs)
                .optBatchSize(t.batchSize())
                .optNCritic(t.nCritic())
                .optSteps(t.steps())
                .optSeed(c.seed())
                .optThreads(t.threads())
                .optDevice(c.device())
                .optPrecision(t.precision())
                .optFastPaths(t.fastPaths())
                .optChannelsLast(t.channelsLast())
                .optWeightClip(o.weightClip())
                .optLrDecayStart(t.lrDecayStart())
                .optGBatchNormFreeze(t.gBnFreeze())
                .optLogEvery(c.log().every())
                .optGuard(t.guard())
                .optPrefetch(c.data().prefetch())
                .optConfig(c);
        if (t.emaDecay() > 0) {
            b.optEma(t.emaDecay(), t.emaStart(), () -> Models.generator(c));
        }
        return b;
    }

    /** The config's game and terms: class or InfoGAN terms, then the penalty on D's side; the same terms and mode seeking on G's. */
    public static Objective objective(ExperimentConfig c) {
        ExperimentConfig.Objective o = c.objective();
        Objective.Builder b = Objective.builder().setLoss(GanLoss.of(o.loss(), o.labelSmoothing()));
        boolean acgan = c.model().conditioning() == Choices.Conditioning.ACGAN;
        if (o.info() > 0) {
            b.addDiscriminatorTerm(Terms.info(o.info(), true)).addGeneratorTerm(Terms.info(o.info(), false));
        } else if (acgan) {
            b.addDiscriminatorTerm(Terms.classesD()).addGeneratorTerm(Terms.classesG());
        }
        if (o.penalty() != Choices.Penalty.NONE && o.penaltyWeight() > 0) {
            b.addDiscriminatorTerm(o.penalty() == Choices.Penalty.R1 ? Terms.r1(o.penaltyWeight())
                    : Terms.gradientPenalty(o.penaltyWeight()));
        }
        if (o.modeSeeking() > 0) {
            b.addGeneratorTerm(Terms.modeSeeking(o.modeSeeking()));
        }
        return b.build();
    }

    /** The usual listeners of a run directory: metrics, progress, samples, evaluation, checkpoints, plots. */
    private static Trainer.Builder withListeners(Trainer.Builder b, ExperimentConfig c, Dataset data, RunDir dir,
                                                 PrintStream out, boolean terminal) {
        ExperimentConfig.Log log = c.log();
        MetricsListener metrics = new MetricsListener(dir.metrics());
        ProgressListener progress = new ProgressListener(c.name(), terminal, out);
        b.addListener(metrics).addListener(progress);
        // at each interval and at the end: the score first, then the checkpoint that carries it, then samples
        if (c.eval().every() > 0) {
            b.addListener(new EvalListener(c, data, metrics, progress, dir.best()));
        }
        b.addListener(new CheckpointListener(dir, log.checkpointEvery(), log.keepCheckpoints()));
        if (c.data().dataset().isToy()) {
            b.addListener(SampleListener.toy(dir.samples(), log.sampleEvery(), c.name(),
                    c.data().dataset() == Choices.Dataset.RING8));
        } else {
            b.addListener(new SampleListener(dir.samples(), log.sampleEvery(), log.samples()));
        }
        return b.addListener(new PlotListener(dir.plots(), c.name(), metrics));
    }

    private static String provenance(ExperimentConfig c) {
        StringBuilder sb = new StringBuilder("# gan4j run: resolved config; seed ").append(c.seed()).append('\n');
        Versions.all().forEach((k, v) -> sb.append("# ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
