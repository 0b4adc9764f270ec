package org.gan4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.data.BatchLoader;
import org.gan4j.data.Dataset;
import org.gan4j.data.Datasets;
import org.gan4j.data.ToyMixtures;
import org.gan4j.eval.ModeCoverage;
import org.gan4j.models.CategoricalLatent;
import org.gan4j.models.Discriminator;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.gan4j.nn.Devices;
import org.gan4j.nn.NativeMemory;
import org.gan4j.nn.Optim;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Params;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.TeamFork;
import org.gan4j.nn.Tensors;
import org.gan4j.config.Choices.Penalty;
import org.gan4j.config.Choices.Precision;
import org.gan4j.nn.Autocast;
import org.gan4j.objectives.ClassLoss;
import org.gan4j.objectives.GanLoss;
import org.gan4j.objectives.ModeSeeking;
import org.gan4j.objectives.Penalties;
import org.gan4j.viz.Images;
import org.gan4j.viz.Plots;

/**
 * The alternating GAN loop: {@code n_critic} discriminator steps, then one generator step,
 * with events (metrics row, sample grid, checkpoint) at their intervals. Knows no specific
 * loss: the objective is a {@link GanLoss}. Each step runs in its own native-memory scope and
 * draws its randomness from (seed, step), so memory stays flat and a resumed run is bitwise
 * the run that never stopped.
 */
public final class Trainer {
    private final ExperimentConfig config;
    private final RunDir dir;
    private final Device device;
    private final Generator g;
    private final Discriminator d;
    private final Optim optG;
    private final Optim optD;
    private final GanLoss loss;
    private final Dataset data;
    private final Tensor fixedNoise;
    private final Ema ema;
    private final TrainingEval evaluator;
    private ModeCoverage lastCoverage;
    private long step;
    private boolean gBatchNormFrozen;

    private Trainer(ExperimentConfig config, RunDir dir, Dataset data, boolean resume) {
        this.config = config;
        this.dir = dir;
        this.data = data;
        Devices.threads(config.train().threads());
        this.device = Devices.resolve(config.device());
        Seeds.seedTorch(config.seed());
        Models.Pair pair = org.gan4j.nn.Layers.withChannelsLast(config.train().channelsLast(), () -> Models.build(config));
        this.g = pair.g();
        this.d = pair.d();
        g.to(device, false);
        d.to(device, false);
        this.optG = Optimizers.forTraining(g, config.train().optimizerG(), device);
        this.optD = Optimizers.forTraining(d, config.train().optimizerD(), device);
        this.loss = GanLoss.of(config.objective().loss(), config.objective().labelSmoothing());
        ExperimentConfig.Train t = config.train();
        if (t.emaDecay() > 0) {
            Generator shadow = org.gan4j.nn.Layers.withChannelsLast(config.train().channelsLast(),
                    () -> Models.generator(config));
            shadow.to(device, false);
            shadow.eval();
            this.ema = new Ema(g, shadow, t.emaDecay(), t.emaStart());
        } else {
            this.ema = null;
        }
        Seeds.seedTorch(Seeds.mix(config.seed(), -1));
        this.fixedNoise = torch.randn(config.log().samples(), config.model().zDim()).to(device, torch.ScalarType.Float);
        this.evaluator = dir != null && config.eval().every() > 0 ? new TrainingEval(config, data) : null;
        if (resume) {
            step = Checkpoint.load(dir.latest(), g, d, optG, optD, ema == null ? null : ema.generator()).step();
        }
    }

    /** A new run in {@code dir}, which must be empty or absent. */
    public static Trainer start(ExperimentConfig config, RunDir dir) {
        Dataset data = load(config);
        dir.create();
        try {
            Files.writeString(dir.config(), provenance(config) + ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Trainer(config, dir, data, false);
    }

    /** Continues the run in {@code dir} from its latest checkpoint. */
    public static Trainer resume(RunDir dir, ExperimentConfig config) {
        return new Trainer(config, dir, load(config), true);
    }

    /** A trainer with no run directory, for benchmarks: steps only, no files. */
    public static Trainer detached(ExperimentConfig config) {
        return new Trainer(config, null, load(config), false);
    }

    /** Loads the data and checks that the model can take its samples. */
    private static Dataset load(ExperimentConfig config) {
        Dataset data = Datasets.load(config);
        long[] want = Models.sampleShape(config);
        if (!java.util.Arrays.equals(want, data.sampleShape())) {
            throw new org.gan4j.config.UserError(data.name() + ": samples of shape "
                    + java.util.Arrays.toString(data.sampleShape()) + " cannot go through model.architecture '"
                    + config.model().architecture() + "', which takes " + java.util.Arrays.toString(want));
        }
        return data;
    }

    public long step() {
        return step;
    }

    /** Where this trainer's models and tensors live. */
    public Device device() {
        return device;
    }

    public ExperimentConfig config() {
        return config;
    }

    /** A loader over this trainer's data, positioned at its current step. */
    public BatchLoader loader() {
        ExperimentConfig.Train t = config.train();
        return new BatchLoader(data, t.batchSize(), config.seed(), step * t.nCritic(), config.data().prefetch());
    }

    /** One full training step (D steps and G step), nothing logged or written. */
    public void stepOnce(BatchLoader loader) {
        try (PointerScope scope = new PointerScope()) {
            trainStep(loader, false);
            step++;
        }
        housekeeping();
    }

    /**
     * glibc keeps pages freed by the step's many short-lived tensors and, left alone, lets
     * resident memory creep up (~4% over 1,000 DCGAN steps here). A trim after every 50 steps
     * kept it flat but cost ~4% of the run: the step after each trim faults the freed pages
     * back in (+183 ms of a 121 ms step on 2 vCPUs). So memory is checked every
     * {@value #TRIM_CHECK_EVERY} steps and trimmed only when it has grown by more than
     * {@value #TRIM_GROWTH} of what it was.
     */
    private void housekeeping() {
        if (step % TRIM_CHECK_EVERY == 0) {
            trimmer.check();
        }
    }

    private static final int TRIM_CHECK_EVERY = 50;
    private static final double TRIM_GROWTH = 0.01;
    private final NativeMemory.Trimmer trimmer = new NativeMemory.Trimmer(TRIM_GROWTH);

    /** Trims of native memory made so far (see {@link #housekeeping}). */
    public int memoryTrims() {
        return trimmer.trims();
    }

    /**
     * Nominal FLOPs of one training step, by the 3x-forward rule (backward costs two forwards):
     * each D step runs G forward once and D forward+backward on real and fake; the G step runs
     * G and D forward+backward. With n_critic 1 the D step's fakes are reused: 3 F_G + 9 F_D.
     */
    public long flopsPerStep() {
        int b = config.train().batchSize();
        long fg;
        long fd;
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor z = noise(b);
            Tensor[] x = new Tensor[1];
            fg = org.gan4j.nn.FlopCounter.count(() -> x[0] = g.forward(z));
            fd = org.gan4j.nn.FlopCounter.count(() -> d.forward(x[0]));
        }
        int k = config.train().nCritic();
        return k == 1 ? 3 * fg + 9 * fd : k * (fg + 6 * fd) + 3 * fg + 3 * fd;
    }

    public Generator generator() {
        return g;
    }

    /** Mode coverage of the last toy scatter written (null for images). */
    public ModeCoverage lastCoverage() {
        return lastCoverage;
    }

    /** The generator samples come from: the EMA copy when on, else G itself. */
    public Generator sampler() {
        return ema != null ? ema.generator() : g;
    }

    public Discriminator discriminator() {
        return d;
    }

    /** Trains until {@code train.steps}; progress goes to {@code out}. */
    public void run(PrintStream out, boolean terminal) {
        ExperimentConfig.Train t = config.train();
        ExperimentConfig.Log log = config.log();
        try (BatchLoader loader = new BatchLoader(data, t.batchSize(), config.seed(), step * t.nCritic(),
                config.data().prefetch());
             MetricsLog metrics = new MetricsLog(dir.metrics(), step);
             Progress progress = new Progress(config.name(), step, t.steps(), terminal, out)) {
            long intervalStart = System.nanoTime();
            long intervalFrom = step;
            long runStart = System.nanoTime();
            while (step < t.steps()) {
                boolean logNow = log.every() > 0 && (step + 1) % log.every() == 0;
                try (PointerScope scope = new PointerScope()) {
                    StepResult r = trainStep(loader, logNow);
                    step++;
                    if (logNow) {
                        double secs = (System.nanoTime() - intervalStart) / 1e9;
                        Map<String, Object> row = r.row(step);
                        row.put("steps_per_s", (step - intervalFrom) / secs);
                        row.put("elapsed_s", (System.nanoTime() - runStart) / 1e9);
                        metrics.write(row);
                        progress.log(row);
                        intervalStart = System.nanoTime();
                        intervalFrom = step;
                    }
                }
                housekeeping();
                progress.step(step);
                if (log.sampleEvery() > 0 && step % log.sampleEvery() == 0) {
                    writeSamples();
                }
                // before the checkpoint: a run resumed from it has this step's score already
                if (evaluator != null && step % config.eval().every() == 0) {
                    evaluate(metrics, progress);
                }
                if (log.checkpointEvery() > 0 && step % log.checkpointEvery() == 0) {
                    checkpoint();
                }
            }
            if (evaluator != null && step % config.eval().every() != 0) {
                evaluate(metrics, progress);
            }
            checkpoint();
            writeSamples();
            writePlots(metrics.rows());
        }
    }

    /** Losses and diagnostics of one step, read from the device only when logged. */
    record StepResult(Tensor lossD, Tensor penalty, Tensor classLoss, Tensor lossG, Tensor dReal, Tensor dFake,
                      boolean logits, double gradD, double gradG) {
        Map<String, Object> row(long step) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("loss_d", lossD.item_double());
            if (penalty != null) {
                m.put("penalty", penalty.item_double());
            }
            if (classLoss != null) {
                m.put("loss_class_d", classLoss.item_double());
            }
            m.put("loss_g", lossG.item_double());
            // D(x) as a probability for logit games, as the raw critic score for the others
            m.put("d_real", (logits ? torch.sigmoid(dReal) : dReal).mean().item_double());
            m.put("d_fake", (logits ? torch.sigmoid(dFake) : dFake).mean().item_double());
            m.put("grad_norm_d", gradD);
            m.put("grad_norm_g", gradG);
            return m;
        }
    }

    /** One generator step and the n_critic discriminator steps before it. */
    StepResult trainStep(BatchLoader loader, boolean diagnostics) {
        Seeds.seedStep(config.seed(), step);
        scheduleLr();
        freezeBatchNormOnSchedule();
        int nCritic = config.train().nCritic();
        int batch = config.train().batchSize();
        int classes = d.classes();
        boolean bf16 = config.train().precision() == Precision.BF16;
        Tensor fake = null;
        Tensor zFake = null;
        Tensor yFake = null;
        Tensor codes = null; // InfoGAN: the component each fake's z picked, once per z
        Generator.Deferred deferred = null;
        Tensor lossD = null;
        Tensor dReal = null;
        Tensor dFake = null;
        Tensor penalty = null;
        Tensor classLoss = null;
        ExperimentConfig.Objective obj = config.objective();
        for (int i = 0; i < nCritic; i++) {
            BatchLoader.Batch b = loader.next();
            Tensor real = realBatch(b);
            Tensor y = classes > 0 ? onDevice(Tensors.fromInts(b.labels())) : null;
            loader.recycle(b);
            zFake = noise(batch);
            yFake = classes > 0 ? fakeLabels(batch, classes) : null;
            codes = obj.info() > 0 ? components(zFake) : null;
            if (obj.penalty() == Penalty.R1) {
                real.requires_grad_(true); // R1 differentiates D(x) with respect to x
            }
            try (Autocast ac = Autocast.bf16(bf16, device)) {
                if (nCritic == 1) {
                    // reused by the generator step below, which completes G's first layer (if split)
                    deferred = forkD ? g.forwardDeferred(zFake, yFake) : null;
                    fake = deferred != null ? deferred.samples() : g.forward(zFake, yFake);
                } else {
                    try (NoGradGuard ng = new NoGradGuard()) {
                        fake = g.forward(zFake, yFake);
                    }
                }
            }
            boolean fork = dPassesSideBySide();
            DLosses l = fork && dPassesAsShares() ? dStepAsShares(real, fake.detach(), bf16)
                    : dStep(real, y, fake.detach(), yFake, codes, fork, bf16);
            dReal = l.dReal();
            dFake = l.dFake();
            lossD = l.loss();
            penalty = l.penalty();
            classLoss = l.classLoss();
            optD.step();
            if (obj.weightClip() > 0) {
                Params.clip(d, obj.weightClip());
            }
        }
        double gradD = diagnostics ? Params.gradNorm(d) : 0;
        Params.requiresGrad(d, false); // G's step needs D's input gradients only
        if (gPassInHalves()) {
            // D's pass over the fakes as two halves side by side, each finding its share of the
            // loss's gradient at G's output; the two meet there
            Tensor[] parts = halves(fake);
            List<Share> shares = TeamFork.both(TeamFork.key("g-step", bf16, parts),
                    () -> gShare(parts[0], batch, bf16), () -> gShare(parts[1], batch, bf16), Share::pointers);
            Tensor lossG = shares.get(0).loss().add(shares.get(1).loss());
            Tensor gradFake = torch.cat(new TensorVector(shares.get(0).grads()[0], shares.get(1).grads()[0]));
            optG.zeroGrad();
            torch.backward(new TensorVector(fake), new TensorVector(gradFake), new BoolOptional(), false,
                    new TensorVector());
            return finishGStep(deferred, lossD, penalty, classLoss, lossG, dReal, dFake, gradD, diagnostics);
        }
        Discriminator.Output out;
        try (Autocast ac = Autocast.bf16(bf16, device)) {
            if (nCritic > 1) {
                yFake = classes > 0 ? fakeLabels(batch, classes) : null;
                zFake = noise(batch);
                codes = obj.info() > 0 ? components(zFake) : null;
                fake = g.forward(zFake, yFake);
            }
            out = d.judge(fake, yFake);
        }
        if (bf16) {
            out = fp32(out);
        }
        Tensor lossG = loss.generator(out.logits());
        Tensor totalG = out.classLogits() == null ? lossG
                : codes != null ? lossG.add(ClassLoss.crossEntropy(out.classLogits(), codes).mul(new Scalar(obj.info())))
                : lossG.add(ClassLoss.crossEntropy(out.classLogits(), yFake));
        if (obj.modeSeeking() > 0) {
            totalG = totalG.add(ModeSeeking.loss(fp32(fake), zFake).mul(new org.bytedeco.pytorch.Scalar(obj.modeSeeking())));
        }
        optG.zeroGrad();
        totalG.backward();
        return finishGStep(deferred, lossD, penalty, classLoss, lossG, dReal, dFake, gradD, diagnostics);
    }

    /** D's logits on the batch, its loss and the penalty and class loss inside it (null where none). */
    private record DLosses(Tensor dReal, Tensor dFake, Tensor loss, Tensor penalty, Tensor classLoss) {
    }

    /**
     * One D step's gradients (after zeroing them) as one pass over the real batch and one over
     * the fakes side by side, each back-propagating its own share of the loss (see
     * {@link GanLoss#discriminatorShare}): neither waits for the other's logits. Four half-batch
     * passes claimed as the threads freed up were slower (DCGAN-28: A/B 0.975x, 0.967x, reversed
     * 1.008x; bf16 reversed 1.048x): per-pass costs (oneDNN's weight reorders, the head's
     * packing, dispatch) count twice, and a thread slowed for seconds still took two of four.
     */
    private DLosses dStepAsShares(Tensor real, Tensor fake, boolean bf16) {
        Tensor[] params = Params.of(d);
        List<Share> shares = TeamFork.both(TeamFork.key("d-step", bf16, real, fake),
                () -> dShare(real, true, params, bf16), () -> dShare(fake, false, params, bf16), Share::pointers);
        optD.zeroGrad();
        addInOrder(params, shares.stream().map(Share::grads).toList());
        Tensor loss = shares.get(0).loss().add(shares.get(1).loss()); // real, then fake: a fixed order
        return new DLosses(shares.get(0).logits(), shares.get(1).logits(), loss, null, null);
    }

    /**
     * One D step's gradients (after zeroing them) from whole-batch passes, real and fake side by
     * side where {@code fork}.
     */
    private DLosses dStep(Tensor real, Tensor y, Tensor fake, Tensor yFake, Tensor codes, boolean fork, boolean bf16) {
        ExperimentConfig.Objective obj = config.objective();
        Discriminator.Output outReal;
        Discriminator.Output outFake;
        List<Discriminator.Output> passes = null;
        List<Discriminator.Output> cuts = null;
        if (fork) {
            passes = TeamFork.both(TeamFork.key("d-judge", bf16, real, fake),
                    () -> judge(real, y, bf16), () -> judge(fake, yFake, bf16), Trainer::pointers);
            // the loss on outputs cut from the passes' graphs; each pass back-propagates on its own
            outReal = cut(passes.get(0));
            outFake = cut(passes.get(1));
            cuts = List.of(outReal, outFake);
        } else {
            outReal = judge(real, y, bf16);
            outFake = judge(fake, yFake, bf16);
        }
        Tensor dReal = outReal.logits();
        Tensor dFake = outFake.logits();
        Tensor lossD = loss.discriminator(dReal, dFake);
        Tensor penalty = null;
        Tensor classLoss = null;
        Tensor total = lossD;
        if (obj.info() > 0) {
            // Q learns which component made each fake; real images carry no component
            classLoss = ClassLoss.crossEntropy(outFake.classLogits(), codes).mul(new Scalar(obj.info()));
            total = total.add(classLoss);
        } else if (outReal.classLogits() != null) {
            classLoss = ClassLoss.crossEntropy(outReal.classLogits(), y)
                    .add(ClassLoss.crossEntropy(outFake.classLogits(), yFake));
            total = total.add(classLoss);
        }
        if (obj.penalty() != Penalty.NONE && obj.penaltyWeight() > 0) {
            penalty = obj.penalty() == Penalty.R1
                    ? Penalties.r1(dReal, real, obj.penaltyWeight())
                    : Penalties.gradientPenalty(x -> d.judge(x, y).logits(), real, fp32(fake), 1.0, false)
                            .mul(new Scalar(obj.penaltyWeight()));
            total = total.add(penalty);
        }
        optD.zeroGrad();
        total.backward();
        if (passes != null) {
            List<Discriminator.Output> p = passes;
            Discriminator.Output cutReal = cuts.get(0);
            Discriminator.Output cutFake = cuts.get(1);
            TeamFork.both(TeamFork.key("d-backward", bf16, real, fake), () -> backward(p.get(0), cutReal),
                    () -> backward(p.get(1), cutFake));
        }
        return new DLosses(dReal, dFake, lossD, penalty, classLoss);
    }

    /** The G step's end, once G's gradients are in: its optimizer, D's gradients back on, the EMA. */
    private StepResult finishGStep(Generator.Deferred deferred, Tensor lossD, Tensor penalty, Tensor classLoss,
                                   Tensor lossG, Tensor dReal, Tensor dFake, double gradD, boolean diagnostics) {
        if (deferred != null) {
            deferred.finish();
        }
        optG.step();
        Params.requiresGrad(d, true);
        if (ema != null) {
            ema.update(step + 1);
        }
        double gradG = diagnostics ? Params.gradNorm(g) : 0;
        return new StepResult(lossD, penalty, classLoss, lossG, dReal, dFake, GanLoss.logits(config.objective().loss()),
                gradD, gradG);
    }

    /** A pass's logits (detached), its share of the loss (detached) and the gradients that share gives. */
    private record Share(Tensor logits, Tensor loss, Tensor[] grads) {
        Pointer[] pointers() {
            Pointer[] p = new Pointer[grads.length + 2];
            p[0] = logits;
            p[1] = loss;
            System.arraycopy(grads, 0, p, 2, grads.length);
            return p;
        }
    }

    /** A batch's first and second half (the second the larger where the size is odd). */
    private static Tensor[] halves(Tensor in) {
        long n = in.size(0);
        return new Tensor[] {in.narrow(0, 0, n / 2), in.narrow(0, n / 2, n - n / 2)};
    }

    /** D's pass over one side of the D step's batch: that side's share of the loss and its gradients. */
    private Share dShare(Tensor x, boolean real, Tensor[] params, boolean bf16) {
        Tensor logits = judge(x, null, bf16).logits();
        Tensor share = loss.discriminatorShare(logits, real, logits.numel());
        return new Share(logits.detach(), share.detach(), gradients(share, params));
    }

    /**
     * D's pass over part of the G step's {@code batch} fakes: the share's gradient at them; where
     * D offers a {@link Discriminator.Cut}, past its first layer by that layer's own product.
     */
    private Share gShare(Tensor part, long batch, boolean bf16) {
        Discriminator.Cut cut = bf16 ? null : d.judgeCut(part.detach());
        if (cut != null) {
            Tensor share = loss.generatorShare(cut.logits(), logitsFor(cut.logits(), part, batch));
            Tensor atCut = gradients(share, new Tensor[] {cut.leaf()})[0];
            return new Share(cut.logits().detach(), share.detach(), new Tensor[] {cut.inputGradient().apply(atCut)});
        }
        Tensor x = part.detach().requires_grad_(true);
        Tensor logits = judge(x, null, bf16).logits();
        Tensor share = loss.generatorShare(logits, logitsFor(logits, x, batch));
        return new Share(logits.detach(), share.detach(), gradients(share, new Tensor[] {x}));
    }

    /** The logits {@code samples} samples give, from a pass over {@code part} (a PatchGAN D gives several each). */
    private static long logitsFor(Tensor logits, Tensor part, long samples) {
        return logits.numel() / part.size(0) * samples;
    }

    /** d(scalar)/d(each input), owned by the caller; undefined for inputs it does not reach. */
    private static Tensor[] gradients(Tensor scalar, Tensor[] inputs) {
        TensorVector gs = torch.grad(new TensorVector(scalar), new TensorVector(inputs),
                new TensorVector(torch.ones_like(scalar)), new BoolOptional(false), false, true);
        Tensor[] own = new Tensor[inputs.length];
        for (int i = 0; i < own.length; i++) {
            own[i] = new Tensor(gs.get(i)); // own the handle: the vector's element dies with it
        }
        return own;
    }

    /**
     * Adds the passes' gradients to the parameters', summed in the passes' order: left to
     * accumulate as each finished, float sums would land in whatever order the threads finished
     * and a run would not repeat bitwise.
     */
    private static void addInOrder(Tensor[] params, List<Tensor[]> grads) {
        for (int i = 0; i < params.length; i++) {
            Tensor sum = null;
            for (Tensor[] pass : grads) {
                Tensor g = pass[i];
                sum = !g.defined() ? sum : sum == null ? g : sum.add(g);
            }
            if (sum != null) {
                Params.addGrad(params[i], sum);
            }
        }
    }

    /**
     * The G step's D pass in two halves side by side ({@link TeamFork}), one thread each, where
     * D's passes run side by side in the D step, D judges each sample alone
     * ({@link Discriminator#samplesIndependent}), the G step reuses the D step's fakes and its
     * loss reads D's logits alone (no classes, InfoGAN codes or mode seeking), one term per logit
     * ({@link GanLoss#splitsBySample}).
     */
    private boolean gPassInHalves() {
        ExperimentConfig.Objective obj = config.objective();
        return forkD && !device.is_cuda() && TeamFork.available() && config.train().nCritic() == 1
                && config.train().batchSize() >= 2 && d.classes() == 0 && obj.info() == 0 && obj.modeSeeking() == 0
                && d.samplesIndependent() && loss.splitsBySample();
    }

    /**
     * The D step's two passes each with its own share of the loss ({@link #dStepAsShares}) where
     * D judges each sample alone, reads no labels and its loss has one term per logit.
     */
    private boolean dPassesAsShares() {
        ExperimentConfig.Objective obj = config.objective();
        return d.classes() == 0 && obj.info() == 0 && d.samplesIndependent() && loss.splitsBySample();
    }

    /**
     * D's real and fake passes side by side ({@link TeamFork}) where libtorch runs two threads,
     * and G's forward under {@link Generator#forwardDeferred} (its first dense layer split over
     * both, {@link org.gan4j.nn.SplitLinear}; under bf16 its wide convolutions' weight gradients
     * as forward convolutions, {@code ConvWeightGrad}); the system
     * property gan4j.fork_d=false (or GAN4J_FORK_D=false) runs them one after the other, as on
     * any other thread count. Read when a trainer is made.
     */
    static boolean forkDRequested() {
        return !"false".equals(System.getProperty("gan4j.fork_d", System.getenv().getOrDefault("GAN4J_FORK_D", "true")));
    }

    private final boolean forkD = forkDRequested();

    /**
     * Whether the D step runs its real and fake passes side by side (see {@link TeamFork}): on the
     * CPU with two threads, unless R1 or the gradient penalty differentiate a pass's graph again.
     */
    public boolean dPassesSideBySide() {
        return forkD && config.objective().penalty() == Penalty.NONE && !device.is_cuda() && TeamFork.available();
    }

    /** D's pass over x, its outputs in float32. */
    private Discriminator.Output judge(Tensor x, Tensor y, boolean bf16) {
        Discriminator.Output o;
        try (Autocast ac = Autocast.bf16(bf16, device)) {
            o = d.judge(x, y);
        }
        return bf16 ? fp32(o) : o;
    }

    private static Pointer[] pointers(Discriminator.Output o) {
        return new Pointer[] {o.logits(), o.classLogits()};
    }

    /** The outputs as leaves of a new graph: the loss's gradients collect there. */
    private static Discriminator.Output cut(Discriminator.Output o) {
        return new Discriminator.Output(o.logits().detach().requires_grad_(true),
                o.classLogits() == null ? null : o.classLogits().detach().requires_grad_(true));
    }

    /** Back-propagates a pass from the gradients its cut outputs collected. */
    private static void backward(Discriminator.Output pass, Discriminator.Output cut) {
        TensorVector outs = new TensorVector();
        TensorVector grads = new TensorVector();
        for (int i = 0; i < 2; i++) {
            Tensor o = i == 0 ? pass.logits() : pass.classLogits();
            Tensor c = i == 0 ? cut.logits() : cut.classLogits();
            if (o != null && c.grad().defined()) {
                outs.push_back(o);
                grads.push_back(c.grad());
            }
        }
        if (outs.size() > 0) {
            torch.backward(outs, grads, new BoolOptional(), false, new TensorVector());
        }
    }

    /** Losses and penalties are taken in float32 whatever the forward pass ran in. */
    private static Tensor fp32(Tensor t) {
        return t.toType(torch.ScalarType.Float);
    }

    private static Discriminator.Output fp32(Discriminator.Output o) {
        return new Discriminator.Output(fp32(o.logits()), o.classLogits() == null ? null : fp32(o.classLogits()));
    }

    /** The latent component each row of z picks (InfoGAN's code). */
    private Tensor components(Tensor z) {
        return ((CategoricalLatent) g).component(z);
    }

    /** Classes for the fakes of a class-conditional step, uniform over the classes. */
    private Tensor fakeLabels(int n, int classes) {
        if (config.objective().modeSeeking() > 0) {
            // mode seeking compares sample i with sample i + n/2: same class, other noise
            Tensor half = torch.randint(classes, new long[] {n / 2});
            return onDevice(torch.cat(new org.bytedeco.pytorch.TensorVector(half, half)));
        }
        return onDevice(torch.randint(classes, new long[] {n}));
    }

    private Tensor onDevice(Tensor t) {
        return Devices.onDevice(t, device);
    }

    /**
     * train.g_bn_freeze: batch statistics jitter each sample's output with the rest of its batch
     * (batch 256: ~6% of a feature's spread), coarser than the toy mixtures' modes; on running
     * statistics G is one fixed map that the rest of the run can sharpen (grid25 high quality
     * 74% -> 82%, ring8 94% -> 96%, 10 seeds each, freezing at half the run). Once per run (and
     * once after a resume past that step): the freeze is a function of the step alone.
     */
    private void freezeBatchNormOnSchedule() {
        ExperimentConfig.Train t = config.train();
        if (!gBatchNormFrozen && t.gBnFreeze() < 1 && step >= t.gBnFreeze() * t.steps()) {
            org.gan4j.nn.Layers.freezeBatchNorm(g);
            gBatchNormFrozen = true;
        }
    }

    /** Linear decay to 0 after train.lr_decay_start of the run; a function of the step alone. */
    private void scheduleLr() {
        ExperimentConfig.Train t = config.train();
        if (t.lrDecayStart() >= 1) {
            return;
        }
        double from = t.lrDecayStart() * t.steps();
        double f = step < from ? 1 : Math.max(0, (t.steps() - step) / (t.steps() - from));
        optG.setLr(t.optimizerG().lr() * f);
        optD.setLr(t.optimizerD().lr() * f);
    }

    private Tensor noise(int n) {
        Tensor z = torch.randn(n, config.model().zDim());
        return Devices.onDevice(z, device);
    }

    private Tensor realBatch(BatchLoader.Batch b) {
        long[] shape = data.sampleShape();
        long[] full = new long[shape.length + 1];
        full[0] = config.train().batchSize();
        System.arraycopy(shape, 0, full, 1, shape.length);
        Tensor t = Tensors.fromFloats(b.values(), full);
        return Devices.onDevice(t, device);
    }

    /** Scores the sampling generator, logs the row, and keeps best.pt at the lowest FID. */
    private void evaluate(MetricsLog metrics, Progress progress) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("event", "eval");
        try {
            sampler().eval();
            row.putAll(evaluator.score(sampler()));
        } finally {
            g.train(true);
        }
        double best = Double.POSITIVE_INFINITY;
        for (Map<String, Object> r : metrics.rows()) {
            if (r.get("fid") instanceof Number n) {
                best = Math.min(best, n.doubleValue());
            }
        }
        metrics.write(row);
        progress.event(String.format(java.util.Locale.ROOT, "step %d eval: fid %.3f precision %.3f recall %.3f coverage %.3f",
                step, row.get("fid"), row.get("precision"), row.get("recall"), row.get("coverage")));
        if ((double) row.get("fid") < best) {
            Checkpoint.save(dir.best(), step, config, g, d, optG, optD, ema == null ? null : ema.generator());
        }
    }

    private void checkpoint() {
        Checkpoint.save(dir.latest(), step, config, g, d, optG, optD, ema == null ? null : ema.generator());
    }

    /** A grid from the fixed noise (images), or a scatter of 2,500 points over the modes (toys). */
    private void writeSamples() {
        Generator s = sampler();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            g.eval();
            String name = String.format("step_%06d.png", step);
            if (config.data().dataset().isToy()) {
                float[] xy = toySamples(2500);
                ModeCoverage m = coverage(xy);
                lastCoverage = m;
                boolean ring = config.data().dataset() == org.gan4j.config.Choices.Dataset.RING8;
                Plots.scatter(dir.samples().resolve(name), String.format(java.util.Locale.ROOT,
                        "%s step %d: %d/%d modes, %.1f%% high quality", config.name(), step, m.modesCovered(),
                        m.modes(), 100 * m.highQualityShare()), xy, ring ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans(),
                        ring ? 1.5 : 6);
            } else {
                long[] shape = s.sampleShape();
                int n = (int) fixedNoise.size(0);
                float[] v = Tensors.toFloats(s.forward(fixedNoise));
                // a class-conditional G's fixed batch cycles through the classes: one column each
                int cols = s.classes() > 0 ? s.classes() : (int) Math.ceil(Math.sqrt(n));
                Images.writePng(Images.grid(v, n, (int) shape[0], (int) shape[1], (int) shape[2], cols),
                        dir.samples().resolve(name));
            }
        } finally {
            g.train(true);
        }
    }

    /** n points from the sampling generator, drawn from noise fixed by the seed (toys only). */
    public float[] toySamples(int n) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Generator s = sampler();
            s.eval();
            Seeds.seedTorch(Seeds.mix(config.seed(), -2));
            return Tensors.toFloats(s.forward(noise(n)));
        } finally {
            g.train(true);
        }
    }

    /** PacGAN-protocol mode coverage of toy samples against this run's mixture. */
    public ModeCoverage coverage(float[] xy) {
        boolean ring = config.data().dataset() == org.gan4j.config.Choices.Dataset.RING8;
        return ModeCoverage.of(xy, ring ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans(),
                ring ? ToyMixtures.RING_STD : ToyMixtures.GRID_STD);
    }

    private void writePlots(List<Map<String, Object>> all) {
        List<Map<String, Object>> rows = all.stream().filter(r -> r.containsKey("loss_d")).toList();
        if (!rows.isEmpty()) {
            List<Double> x = MetricsLog.series(rows, "step");
            Map<String, List<Double>> losses = new LinkedHashMap<>();
            losses.put("loss_d", MetricsLog.series(rows, "loss_d"));
            losses.put("loss_g", MetricsLog.series(rows, "loss_g"));
            Plots.curves(dir.plots().resolve("losses.png"), config.name() + ": losses", "step", x, losses);
            Map<String, List<Double>> outs = new LinkedHashMap<>();
            outs.put("D(x)", MetricsLog.series(rows, "d_real"));
            outs.put("D(G(z))", MetricsLog.series(rows, "d_fake"));
            Plots.curves(dir.plots().resolve("d_outputs.png"), config.name() + ": discriminator outputs",
                    "step", x, outs);
        }
        List<Map<String, Object>> evals = all.stream().filter(r -> r.containsKey("fid")).toList();
        if (!evals.isEmpty()) {
            List<Double> x = MetricsLog.series(evals, "step");
            Plots.curves(dir.plots().resolve("fid.png"), config.name() + ": FID (classifier features)", "step", x,
                    Map.of("fid", MetricsLog.series(evals, "fid")));
            Map<String, List<Double>> pr = new LinkedHashMap<>();
            for (String k : new String[] {"precision", "recall", "density", "coverage"}) {
                pr.put(k, MetricsLog.series(evals, k));
            }
            Plots.curves(dir.plots().resolve("precision_recall.png"), config.name() + ": precision, recall, density, coverage",
                    "step", x, pr);
        }
    }

    private static String provenance(ExperimentConfig config) {
        StringBuilder sb = new StringBuilder("# gan4j run: resolved config; seed ").append(config.seed())
                .append('\n');
        org.gan4j.nn.Versions.all().forEach((k, v) -> sb.append("# ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
