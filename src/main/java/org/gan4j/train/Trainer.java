package org.gan4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.Choices.DeviceKind;
import org.gan4j.config.Choices.Precision;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.config.UserError;
import org.gan4j.data.BatchLoader;
import org.gan4j.data.Dataset;
import org.gan4j.models.Discriminator;
import org.gan4j.models.GenInput;
import org.gan4j.models.Generator;
import org.gan4j.nn.Devices;
import org.gan4j.nn.FlopCounter;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Params;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.gan4j.objectives.Objective;

/**
 * Trains a generator against a discriminator: {@link #fit} runs the alternating loop (n_critic
 * D steps, one G step, the EMA) to the configured step, with listeners around it. Each step runs
 * in its own native-memory scope and draws its randomness from (seed, step), so memory stays flat
 * and a resumed run is bitwise the run that never stopped.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.builder()
 *         .setGenerator(new DcganGenerator28(100))
 *         .setDiscriminator(new DcganDiscriminator28(0.3))
 *         .setData(mnist)
 *         .optSteps(2000)
 *         .addListener(new SampleListener(Path.of("samples"), 500, 64))
 *         .build()) {
 *     t.fit();
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
    /** The guard of a trainer built without optGuard: on, lr halved per rollback, at most 3, non-finite values only. */
    public static final ExperimentConfig.Guard DEFAULT_GUARD = new ExperimentConfig.Guard(true, 0.5, 3, 0, 0);
    private final GanModel model;
    private final Dataset data;
    private final TrainStep stepper;
    private final boolean fastStep;
    private final SpeedPaths speed;
    private final List<TrainingListener> listeners;
    private final long seed;
    private final long steps;
    private final int logEvery;
    private final int prefetch;
    private final double lrDecayStart;
    private final double lrG;
    private final double lrD;
    private final double gBnFreeze;
    private final ExperimentConfig config;
    private final Map<String, String> settings;
    /** Null where the divergence guard is off. */
    private final DivergenceGuard guard;
    private BatchLoader loader;
    private boolean gBatchNormFrozen;
    /** Whether the listeners have had their onFitStart. */
    private boolean started;
    private long step;

    private Trainer(Builder b) {
        this.data = b.data;
        this.seed = b.seed;
        this.steps = b.steps;
        this.logEvery = b.logEvery;
        this.prefetch = b.prefetch;
        this.lrDecayStart = b.lrDecayStart;
        this.gBnFreeze = b.gBnFreeze;
        this.config = b.config;
        this.lrG = b.optimizerG.lr();
        this.lrD = b.optimizerD.lr();
        Devices.threads(b.threads);
        Device device = Devices.resolve(b.device);
        this.speed = SpeedPaths.choose(b.fastPaths);
        Generator g = b.g;
        Discriminator d = b.d;
        g.to(device, false);
        d.to(device, false);
        speed.prepare(g, b.channelsLast);
        speed.prepare(d, b.channelsLast);
        Ema ema = null;
        if (b.emaDecay > 0) {
            Generator shadow = b.emaCopy.get();
            shadow.to(device, false);
            speed.prepare(shadow, b.channelsLast);
            shadow.eval();
            ema = new Ema(g, shadow, b.emaDecay, b.emaStart);
        }
        InputSource inputs = b.inputs != null ? b.inputs : InputSource.noise(g.zDim(), d.classes(), false);
        this.model = new GanModel(g, d, Optimizers.forTraining(g, b.optimizerG, device),
                Optimizers.forTraining(d, b.optimizerD, device), ema, b.objective, inputs, device,
                b.precision == Precision.BF16, b.batchSize, b.nCritic, b.weightClip);
        TrainStep fast = speed.step(model);
        this.fastStep = fast != null;
        this.stepper = fast != null ? fast : new PlainStep();
        this.listeners = new ArrayList<>(b.listeners);
        this.settings = b.config != null ? Settings.of(b.config) : Settings.of(b);
        this.guard = b.guard.enabled() ? new DivergenceGuard(b.guard) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains until the configured step count, with every listener's events. With the divergence
     * guard on, each logged row is checked first: a diverged step is not shown to the listeners,
     * the run goes back to the last healthy row's state with lower learning rates, and past
     * {@code max_rollbacks} it ends in a {@link UserError} (the checkpoints keep good states only).
     */
    public void fit() {
        listeners.forEach(l -> l.onFitStart(this));
        started = true;
        if (guard != null && guard.snapshot() == null) {
            guard.keep(step, state());
        }
        long intervalStart = System.nanoTime();
        long intervalFrom = step;
        long runStart = System.nanoTime();
        while (step < steps) {
            boolean logNow = logEvery > 0 && (step + 1) % logEvery == 0;
            String diverged = null;
            try (PointerScope scope = new PointerScope()) {
                StepResult r = runStep(logNow);
                step++;
                if (logNow) {
                    double secs = (System.nanoTime() - intervalStart) / 1e9;
                    Map<String, Object> row = r.row(step);
                    row.put("steps_per_s", (step - intervalFrom) / secs);
                    row.put("elapsed_s", (System.nanoTime() - runStart) / 1e9);
                    if (guard != null) {
                        diverged = guard.check(row, r.probabilities());
                        if (diverged == null && !weightsFinite()) {
                            diverged = "non-finite weights";
                        }
                    }
                    if (diverged == null) {
                        for (TrainingListener l : listeners) {
                            l.onLog(this, row);
                        }
                        if (guard != null && guard.healthy()) {
                            guard.keep(step, state());
                        }
                    }
                    intervalStart = System.nanoTime();
                    intervalFrom = step;
                }
            }
            if (diverged == null) {
                try {
                    listeners.forEach(l -> l.onStep(this));
                } catch (Diverged d) {
                    diverged = d.why;
                }
            }
            if (diverged == null && step == steps && guard != null && !weightsFinite()) {
                diverged = "non-finite weights at the last step"; // between the last row and the end
            }
            if (diverged != null) {
                rollBack(diverged);
                intervalStart = System.nanoTime();
                intervalFrom = step;
            }
        }
        listeners.forEach(l -> l.onFitEnd(this));
    }

    /** Back to the guard's snapshot with scaled learning rates, or the end of the run past max_rollbacks. */
    private void rollBack(String why) {
        long at = step;
        if (!guard.rollBack()) {
            throw new UserError(String.format(Locale.ROOT,
                    "training diverged at step %d (%s) after %d rollbacks (train.guard.max_rollbacks); "
                            + "learning rates were at %.3g of the config's; the checkpoints written hold the last good states",
                    at, why, guard.rules().maxRollbacks(), guard.lrScale()));
        }
        try (PointerScope scope = new PointerScope()) {
            Ema ema = model.ema();
            Checkpoint.restore(Checkpoint.fromBytes(Path.of("rollback snapshot"), guard.snapshot()), model.g(), model.d(),
                    model.optG(), model.optD(), ema == null ? null : ema.shadow());
            if (ema != null) {
                ema.markStale();
            }
        }
        step = guard.snapshotStep();
        if (gBatchNormFrozen && step < gBnFreeze * steps) {
            Layers.unfreezeBatchNorm(model.g());
            gBatchNormFrozen = false;
        }
        if (loader != null) {
            loader.close();
            loader = null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", at);
        row.put("event", "rollback");
        row.put("reason", why);
        row.put("to_step", step);
        row.put("rollbacks", guard.rollbacks());
        row.put("lr_scale", guard.lrScale());
        for (TrainingListener l : listeners) {
            l.onRollback(this, row);
        }
    }

    /** Whether every weight and statistic of G and D is finite: one sum in float64 (which no float32 values overflow), one sync. */
    private boolean weightsFinite() {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            ScalarTypeOptional f64 = new ScalarTypeOptional(torch.ScalarType.Double);
            Tensor acc = null;
            for (Net n : List.of(model.g(), model.d())) {
                for (Tensor[] ts : List.of(Params.of(n), Params.buffersOf(n))) {
                    for (Tensor p : ts) {
                        if (p.is_floating_point()) {
                            Tensor s = p.sum(f64);
                            acc = acc == null ? s : acc.add(s);
                        }
                    }
                }
            }
            return acc == null || Double.isFinite(acc.item_double());
        }
    }

    /** This step's state (G, D, the EMA as it is, both optimizers) as a checkpoint payload. */
    private byte[] state() {
        try (PointerScope scope = new PointerScope()) {
            Ema ema = model.ema();
            return Checkpoint.payload(model.g(), model.d(), model.optG(), model.optD(), ema == null ? null : ema.shadow());
        }
    }

    /** The divergence guard, or null where it is off. */
    public DivergenceGuard guard() {
        return guard;
    }

    /** A save asked for in a diverged state: inside {@link #fit} the step rolls back instead; outside, one line. */
    private static final class Diverged extends UserError {
        final String why;

        Diverged(String why, Path file, long step) {
            super(file + ": not written, the weights at step " + step + " are not finite");
            this.why = why;
        }
    }

    /** One full training step (D steps and G step) with the listeners' per-step events, nothing logged. */
    public void stepOnce() {
        if (!started) {
            listeners.forEach(l -> l.onFitStart(this));
            started = true;
        }
        try (PointerScope scope = new PointerScope()) {
            runStep(false);
            step++;
        }
        listeners.forEach(l -> l.onStep(this));
    }

    private StepResult runStep(boolean diagnostics) {
        Seeds.seedStep(seed, step);
        scheduleLr();
        freezeBatchNormOnSchedule();
        return stepper.run(model, this::nextBatch, step, diagnostics);
    }

    /** The next real batch on the model's device. */
    private RealBatch nextBatch() {
        BatchLoader.Batch b = loader().next();
        Tensor x = Devices.onDevice(Tensors.fromFloats(b.values(), batchShape(data.sampleShape())), model.device());
        Tensor y = model.d().classes() > 0 && b.labels() != null
                ? Devices.onDevice(Tensors.fromInts(b.labels()), model.device()) : null;
        Tensor in = b.inputs() == null ? null
                : Devices.onDevice(Tensors.fromFloats(b.inputs(), batchShape(data.inputShape())), model.device());
        loader.recycle(b);
        return new RealBatch(x, y, in);
    }

    /** (batch size, shape...). */
    private long[] batchShape(long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = model.batchSize();
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    /** The loader over this trainer's data, positioned at its current step (made on first use). */
    public BatchLoader loader() {
        if (loader == null) {
            loader = new BatchLoader(data, model.batchSize(), seed, step * model.nCritic(), prefetch);
        }
        return loader;
    }

    /**
     * Continues from {@code checkpoint}: weights, optimizer state and step. Refuses a checkpoint
     * whose settings differ from this trainer's (only the step count may grow), naming each key.
     */
    public Trainer resumeFrom(Path checkpoint) {
        Checkpoint.Opened o = Checkpoint.open(checkpoint);
        Checkpoint.Header h = o.header();
        List<String> diff = Settings.changed(h.settings(checkpoint), settings);
        if (!diff.isEmpty()) {
            throw new UserError(checkpoint + ": settings differ from the run's in " + diff
                    + "; start a new run instead");
        }
        Ema ema = model.ema();
        Checkpoint.restore(o.payload(), model.g(), model.d(), model.optG(), model.optD(),
                ema == null ? null : ema.shadow());
        step = h.step();
        if (guard != null) {
            guard.restore(h.guard(), state(), o.snapshot(), step);
        }
        if (loader != null) {
            loader.close();
            loader = null;
        }
        return this;
    }

    /**
     * Writes weights, optimizer state, step, config, settings and the guard's state to {@code file}
     * (atomically). With the guard on, a state with non-finite weights is never written.
     */
    public void save(Path file) {
        if (guard != null && !weightsFinite()) {
            throw new Diverged("non-finite weights at a save", file, step);
        }
        Ema ema = model.ema();
        byte[] payload;
        try (PointerScope scope = new PointerScope()) {
            payload = Checkpoint.payload(model.g(), model.d(), model.optG(), model.optD(),
                    ema == null ? null : ema.generator());
        }
        DivergenceGuard.State gs = guard == null ? null : guard.state(step);
        Checkpoint.save(file, step, config, settings, payload, gs,
                gs != null && gs.snapshotSha256() != null ? guard.snapshot() : null);
    }

    /** Steps done. */
    public long step() {
        return step;
    }

    /** The step count {@link #fit} trains to. */
    public long steps() {
        return steps;
    }

    public long seed() {
        return seed;
    }

    public Device device() {
        return model.device();
    }

    public GanModel model() {
        return model;
    }

    public Dataset data() {
        return data;
    }

    /** The experiment this trainer was assembled from, or null (built through the API alone). */
    public ExperimentConfig config() {
        return config;
    }

    public Generator generator() {
        return model.g();
    }

    public Discriminator discriminator() {
        return model.d();
    }

    /** The generator samples come from: the EMA copy when on, else G itself. */
    public Generator sampler() {
        return model.ema() != null ? model.ema().generator() : model.g();
    }

    /** The step this trainer runs: {@link PlainStep}, or a faster one from {@link SpeedPaths}. */
    public TrainStep stepper() {
        return stepper;
    }

    /** Whether a faster step than {@link PlainStep} runs (see {@link SpeedPaths}). */
    public boolean fastStep() {
        return fastStep;
    }

    /** What the speed paths chose, for reports. */
    public String speedPaths() {
        return fastStep ? stepper.toString() : speed == SpeedPaths.NONE ? "plain (fast paths off)" : "plain step, fast kernels";
    }

    public List<TrainingListener> listeners() {
        return listeners;
    }

    /** The first listener of type {@code type}, or null. */
    public <L extends TrainingListener> L listener(Class<L> type) {
        for (TrainingListener l : listeners) {
            if (type.isInstance(l)) {
                return type.cast(l);
            }
        }
        return null;
    }

    /**
     * Nominal FLOPs of one training step, by the 3x-forward rule (backward costs two forwards):
     * each D step runs G forward once and D forward+backward on real and fake; the G step runs
     * G and D forward+backward. With n_critic 1 the D step's fakes are reused: 3 F_G + 9 F_D.
     */
    public long flopsPerStep() {
        int b = model.batchSize();
        long fg;
        long fd;
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            GenInput in = model.inputs().draw(b, null, model.device());
            Tensor[] x = new Tensor[1];
            fg = FlopCounter.count(() -> x[0] = model.g().generate(in));
            fd = FlopCounter.count(() -> model.d().forward(x[0]));
        }
        int k = model.nCritic();
        return k == 1 ? 3 * fg + 9 * fd : k * (fg + 6 * fd) + 3 * fg + 3 * fd;
    }

    /** Linear decay to 0 after lrDecayStart of the run, times the guard's scale; a function of the run's state. */
    private void scheduleLr() {
        double scale = guard == null ? 1 : guard.lrScale();
        if (lrDecayStart >= 1 && scale == 1) {
            return;
        }
        double from = lrDecayStart * steps;
        double f = lrDecayStart >= 1 || step < from ? 1 : Math.max(0, (steps - step) / (steps - from));
        model.optG().setLr(lrG * f * scale);
        model.optD().setLr(lrD * f * scale);
    }

    /**
     * G's batch norm on running statistics from gBnFreeze of the run on: batch statistics jitter
     * each sample with the rest of its batch (batch 256: ~6% of a feature's spread), coarser than
     * the toy mixtures' modes. Once per run, and once after a resume past that step.
     */
    private void freezeBatchNormOnSchedule() {
        if (!gBatchNormFrozen && gBnFreeze < 1 && step >= gBnFreeze * steps) {
            Layers.freezeBatchNorm(model.g());
            gBatchNormFrozen = true;
        }
    }

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
        for (TrainingListener l : listeners) {
            if (l instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + l, e);
                }
            }
        }
    }

    /**
     * Builds a {@link Trainer}. Required: generator, discriminator, data. Defaults follow DCGAN
     * (Radford et al. 2015): non-saturating loss, Adam lr 2e-4, beta1 0.5, beta2 0.999, batch 64.
     */
    public static final class Builder {
        private Generator g;
        private Discriminator d;
        private Dataset data;
        private Objective objective = Objective.nonSaturating();
        private ExperimentConfig.Optimizer optimizerG = Optimizers.adam(2e-4, 0.5, 0.999);
        private ExperimentConfig.Optimizer optimizerD = Optimizers.adam(2e-4, 0.5, 0.999);
        private InputSource inputs;
        private int batchSize = 64;
        private int nCritic = 1;
        private long steps = 1000;
        private long seed = 42;
        private int threads;
        private DeviceKind device = DeviceKind.AUTO;
        private Precision precision = Precision.FP32;
        private boolean fastPaths = true;
        private boolean channelsLast;
        private double emaDecay;
        private long emaStart;
        private Supplier<Generator> emaCopy;
        private double weightClip;
        private double lrDecayStart = 1;
        private double gBnFreeze = 1;
        private int logEvery = 50;
        private int prefetch = 4;
        private ExperimentConfig.Guard guard = DEFAULT_GUARD;
        private ExperimentConfig config;
        private final List<TrainingListener> listeners = new ArrayList<>(List.of(new MemoryListener()));

        private Builder() {
        }

        /** The generator (required); its weights are trained in place. */
        public Builder setGenerator(Generator g) {
            this.g = g;
            return this;
        }

        /** The discriminator (required). */
        public Builder setDiscriminator(Discriminator d) {
            this.d = d;
            return this;
        }

        /** The real examples (required). */
        public Builder setData(Dataset data) {
            this.data = data;
            return this;
        }

        /** Defaults to the non-saturating game alone. */
        public Builder optObjective(Objective objective) {
            this.objective = objective;
            return this;
        }

        /** G's optimizer; defaults to Adam(2e-4, 0.5, 0.999) (Radford et al. 2015). */
        public Builder optOptimizerG(ExperimentConfig.Optimizer o) {
            this.optimizerG = o;
            return this;
        }

        /** D's optimizer; defaults to Adam(2e-4, 0.5, 0.999). */
        public Builder optOptimizerD(ExperimentConfig.Optimizer o) {
            this.optimizerD = o;
            return this;
        }

        /** What G is given; defaults to z ~ N(0, I) and, for a conditional G, uniform classes. */
        public Builder optInputs(InputSource inputs) {
            this.inputs = inputs;
            return this;
        }

        public Builder optBatchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** D steps per G step; defaults to 1 (WGAN: 5). */
        public Builder optNCritic(int n) {
            this.nCritic = n;
            return this;
        }

        /** Steps {@link Trainer#fit} trains to; defaults to 1,000. */
        public Builder optSteps(long n) {
            this.steps = n;
            return this;
        }

        /** One seed for torch, the data order and Java's randomness; defaults to 42. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** libtorch's intra-op threads; 0 (the default): one per physical core. */
        public Builder optThreads(int n) {
            this.threads = n;
            return this;
        }

        public Builder optDevice(DeviceKind device) {
            this.device = device;
            return this;
        }

        /** bf16 runs forward passes under autocast; losses and weights stay float32. */
        public Builder optPrecision(Precision p) {
            this.precision = p;
            return this;
        }

        /** Faster routes to the same maths (see {@link SpeedPaths}); defaults to on. */
        public Builder optFastPaths(boolean on) {
            this.fastPaths = on;
            return this;
        }

        /** NHWC convolution weights and activations, where fast paths are on; defaults to off. */
        public Builder optChannelsLast(boolean on) {
            this.channelsLast = on;
            return this;
        }

        /**
         * An exponential moving average of G's weights (Yazici et al. 2019) with {@code decay},
         * following G until step {@code start}; {@code copy} makes a generator like G's to hold it.
         */
        public Builder optEma(double decay, long start, Supplier<Generator> copy) {
            this.emaDecay = decay;
            this.emaStart = start;
            this.emaCopy = copy;
            return this;
        }

        /** WGAN's weight clipping of D to [-c, c] (Arjovsky et al. 2017: 0.01); 0 (default): off. */
        public Builder optWeightClip(double c) {
            this.weightClip = c;
            return this;
        }

        /** From this fraction of the steps on both learning rates fall linearly to 0; 1 (default): constant. */
        public Builder optLrDecayStart(double f) {
            this.lrDecayStart = f;
            return this;
        }

        /** From this fraction of the steps on G's batch norm uses its running statistics; 1 (default): never. */
        public Builder optGBatchNormFreeze(double f) {
            this.gBnFreeze = f;
            return this;
        }

        /** Steps between metrics rows ({@link TrainingListener#onLog}); 0: none. Defaults to 50. */
        public Builder optLogEvery(int n) {
            this.logEvery = n;
            return this;
        }

        /** Batches the loader prepares ahead; defaults to 4. */
        public Builder optPrefetch(int n) {
            this.prefetch = n;
            return this;
        }

        /**
         * The divergence guard's rules (see {@link DivergenceGuard}); defaults to on, halving the
         * learning rates at each rollback, at most 3, non-finite values only.
         */
        public Builder optGuard(ExperimentConfig.Guard rules) {
            this.guard = Objects.requireNonNull(rules, "guard");
            return this;
        }

        /** The experiment this trainer comes from: kept in checkpoints, and the settings a resume compares. */
        public Builder optConfig(ExperimentConfig c) {
            this.config = c;
            return this;
        }

        /** Adds a listener; a {@link MemoryListener} is there from the start. */
        public Builder addListener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /** Removes every listener of {@code type} (e.g. the default {@link MemoryListener}). */
        public Builder removeListeners(Class<? extends TrainingListener> type) {
            listeners.removeIf(type::isInstance);
            return this;
        }

        public Trainer build() {
            require("generator", g);
            require("discriminator", d);
            require("data", data);
            require("objective", objective);
            positive("batch_size", batchSize);
            positive("n_critic", nCritic);
            positive("prefetch", prefetch);
            if (steps < 0) {
                throw new IllegalArgumentException("trainer: steps must be >= 0, got " + steps);
            }
            if (emaDecay < 0 || emaDecay >= 1) {
                throw new IllegalArgumentException("trainer: ema decay must be in [0, 1), got " + emaDecay);
            }
            if (emaDecay > 0 && emaCopy == null) {
                throw new IllegalArgumentException("trainer: an EMA needs a generator to hold it (optEma's copy), got none");
            }
            if (lrDecayStart < 0 || lrDecayStart > 1) {
                throw new IllegalArgumentException("trainer: lr_decay_start must be in [0, 1], got " + lrDecayStart);
            }
            if (!java.util.Arrays.equals(g.sampleShape(), data.sampleShape())) {
                throw new UserError(data.name() + ": samples of shape " + java.util.Arrays.toString(data.sampleShape())
                        + " cannot be told from the generator's, of shape " + java.util.Arrays.toString(g.sampleShape()));
            }
            return new Trainer(this);
        }

        private static void require(String field, Object v) {
            if (v == null) {
                throw new IllegalArgumentException("trainer: " + field + " is required, got none");
            }
        }

        private static void positive(String field, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException("trainer: " + field + " must be positive, got " + v);
            }
        }

        /** What a resume compares when there is no config: the loop's settings and the parts' kinds. */
        Map<String, String> describe() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("generator", g.getClass().getName());
            m.put("discriminator", d.getClass().getName());
            m.put("data", data.name());
            m.put("loss", objective.loss().getClass().getName());
            m.put("d_terms", objective.discriminatorTerms().stream().map(t -> t.name()).toList().toString());
            m.put("g_terms", objective.generatorTerms().stream().map(t -> t.name()).toList().toString());
            m.put("optimizer_g", optimizerG.toString());
            m.put("optimizer_d", optimizerD.toString());
            m.put("batch_size", Integer.toString(batchSize));
            m.put("n_critic", Integer.toString(nCritic));
            m.put("seed", Long.toString(seed));
            m.put("precision", precision.toString());
            m.put("ema", emaDecay + "/" + emaStart);
            m.put("weight_clip", Double.toString(weightClip));
            m.put("lr_decay_start", Double.toString(lrDecayStart));
            m.put("g_bn_freeze", Double.toString(gBnFreeze));
            m.put("guard.enabled", Boolean.toString(guard.enabled()));
            m.put("guard.lr_factor", Double.toString(guard.lrFactor()));
            m.put("guard.max_rollbacks", Integer.toString(guard.maxRollbacks()));
            m.put("guard.pinned_logs", Integer.toString(guard.pinnedLogs()));
            m.put("guard.max_grad_norm", Double.toString(guard.maxGradNorm()));
            return m;
        }
    }
}
