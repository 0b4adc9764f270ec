package org.gan4j.fast;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.Discriminator;
import org.gan4j.models.GenInput;
import org.gan4j.nn.Autocast;
import org.gan4j.nn.Params;
import org.gan4j.objectives.GanLoss;
import org.gan4j.objectives.Objective;
import org.gan4j.objectives.StepTensors;
import org.gan4j.train.GanModel;
import org.gan4j.train.PlainStep;
import org.gan4j.train.RealBatch;
import org.gan4j.train.StepResult;
import org.gan4j.train.TrainStep;

/**
 * {@link PlainStep}'s maths with the CPU's two libtorch threads used side by side ({@link
 * TeamFork}): D's real and fake passes run at once, each back-propagating on its own; where D
 * judges each sample alone ({@link SampleWise}, a projection D's label included) and its loss
 * has a share per logit ({@link SplitsBySample}), each pass takes its own share of the loss with
 * no barrier for the other's logits, and the G step's D pass runs as two halves, each with its
 * samples' labels. G's forward runs with its
 * model's {@link DeferredGrads} open, so its first dense layer splits over both threads and, under
 * bf16, wide convolutions take their weight gradients as forward convolutions. Gradients from
 * passes are summed in a fixed order, so a run repeats bitwise.
 */
public final class ForkedStep implements TrainStep {
    private final DeferredGrads grads;
    private final boolean forkD;
    private final boolean dShares;
    private final boolean gHalves;

    ForkedStep(GanModel m, DeferredGrads grads) {
        Objective obj = m.objective();
        boolean sampleWise = m.d() instanceof SampleWise s && s.samplesIndependent();
        boolean split = obj.loss() instanceof SplitsBySample;
        this.grads = m.nCritic() == 1 ? grads : null;
        // a penalty differentiates D's graph again: its passes cannot be cut and run apart
        this.forkD = obj.discriminatorTerms().stream().allMatch(org.gan4j.objectives.Term::readsOutputsOnly);
        this.dShares = forkD && obj.discriminatorTerms().isEmpty() && sampleWise && split;
        this.gHalves = m.nCritic() == 1 && m.batchSize() >= 2
                && obj.generatorTerms().isEmpty() && !obj.loss().generatorReadsReal() && sampleWise && split;
    }

    @Override
    public String toString() {
        return "forked step: D passes side by side " + forkD + ", as shares " + dShares + ", G step's D pass in halves "
                + gHalves + ", G's first layers deferred " + (grads != null);
    }

    /** Whether D's real and fake passes run side by side. */
    public boolean forksD() {
        return forkD;
    }

    @Override
    public StepResult run(GanModel m, Batches data, long step, boolean diagnostics) {
        Objective obj = m.objective();
        boolean bf16 = m.bf16();
        RealBatch b = null;
        GenInput in = null;
        Tensor fake = null;
        DLosses l = null;
        boolean deferred = false;
        for (int i = 0; i < m.nCritic(); i++) {
            b = data.next();
            in = m.inputs().draw(m.batchSize(), b, m.device());
            if (obj.needsRealGradient()) {
                b.x().requires_grad_(true);
            }
            if (m.nCritic() == 1) {
                // reused by the G step below, which completes G's deferred gradients
                if (grads != null) {
                    grads.open();
                }
                try {
                    fake = m.generate(in);
                } finally {
                    if (grads != null) {
                        grads.close();
                    }
                }
                deferred = grads != null;
            } else {
                fake = m.generateNoGrad(in);
            }
            l = dShares ? dStepAsShares(m, b, in, fake.detach(), bf16) : dStep(m, b, in, fake.detach(), bf16);
            m.stepD();
        }
        double gradD = diagnostics ? Params.gradNorm(m.d()) : 0;
        Params.requiresGrad(m.d(), false); // G's step needs D's input gradients only
        Map<String, Tensor> gTerms = new LinkedHashMap<>();
        Tensor lossG;
        if (gHalves) {
            // D's pass over the fakes as two halves side by side, each finding its share of the
            // loss's gradient at G's output; the two meet there
            Tensor[] parts = halves(fake);
            Tensor[] labels = in.labels() == null ? new Tensor[2] : halves(in.labels());
            long batch = m.batchSize();
            Tensor f = fake;
            List<Share> shares = TeamFork.both(TeamFork.key("g-step", bf16, parts),
                    () -> gShare(m, parts[0], labels[0], batch, bf16), () -> gShare(m, parts[1], labels[1], batch, bf16),
                    Share::pointers);
            lossG = shares.get(0).loss().add(shares.get(1).loss());
            Tensor gradFake = torch.cat(new TensorVector(shares.get(0).grads()[0], shares.get(1).grads()[0]));
            m.optG().zeroGrad();
            torch.backward(new TensorVector(f), new TensorVector(gradFake), new BoolOptional(), false, new TensorVector());
        } else {
            lossG = PlainStep.generatorBackward(m, b, in, fake, gTerms);
        }
        if (deferred) {
            grads.finish();
        }
        double gradG = m.stepG(step, diagnostics);
        return new StepResult(l.loss(), l.terms(), lossG, gTerms, l.dReal(), l.dFake(),
                obj.loss().logitsOfProbability(), gradD, gradG);
    }

    /** D's logits on the batch, its adversarial loss and the terms inside its total. */
    private record DLosses(Tensor dReal, Tensor dFake, Tensor loss, Map<String, Tensor> terms) {
    }

    /**
     * One D step's gradients (after zeroing them) as one pass over the real batch and one over
     * the fakes side by side, each back-propagating its own share of the loss: neither waits for
     * the other's logits. Four half-batch passes claimed as the threads freed up were slower:
     * per-pass costs (oneDNN's weight reorders, the head's packing, dispatch) count twice.
     */
    private static DLosses dStepAsShares(GanModel m, RealBatch b, GenInput in, Tensor fake, boolean bf16) {
        Tensor[] params = Params.of(m.d());
        SplitsBySample loss = (SplitsBySample) m.objective().loss();
        Tensor real = b.x();
        List<Share> shares = TeamFork.both(TeamFork.key("d-step", bf16, real, fake),
                () -> dShare(m, loss, real, b.labels(), true, params),
                () -> dShare(m, loss, fake, in.labels(), false, params), Share::pointers);
        m.optD().zeroGrad();
        addInOrder(params, shares.stream().map(Share::grads).toList());
        Tensor total = shares.get(0).loss().add(shares.get(1).loss()); // real, then fake: a fixed order
        return new DLosses(shares.get(0).logits(), shares.get(1).logits(), total, new LinkedHashMap<>());
    }

    /** One D step's gradients (after zeroing them) from whole-batch passes, real and fake side by side where {@link #forkD}. */
    private DLosses dStep(GanModel m, RealBatch b, GenInput in, Tensor fake, boolean bf16) {
        Objective obj = m.objective();
        Tensor real = b.x();
        Discriminator.Output outReal;
        Discriminator.Output outFake;
        List<Discriminator.Output> passes = null;
        if (forkD) {
            passes = TeamFork.both(TeamFork.key("d-judge", bf16, real, fake),
                    () -> m.judge(real, b.labels()), () -> m.judge(fake, in.labels()), ForkedStep::pointers);
            // the loss on outputs cut from the passes' graphs; each pass back-propagates on its own
            outReal = cut(passes.get(0));
            outFake = cut(passes.get(1));
        } else {
            outReal = m.judge(real, b.labels());
            outFake = m.judge(fake, in.labels());
        }
        Tensor lossD = obj.loss().discriminator(outReal.logits(), outFake.logits());
        Map<String, Tensor> terms = new LinkedHashMap<>();
        Tensor total = PlainStep.withTerms(lossD, obj.discriminatorTerms(),
                new StepTensors(real, b.labels(), fake, in, outReal, outFake, m.g(), m.d()), terms);
        m.optD().zeroGrad();
        total.backward();
        if (passes != null) {
            List<Discriminator.Output> p = passes;
            Discriminator.Output cutReal = outReal;
            Discriminator.Output cutFake = outFake;
            TeamFork.both(TeamFork.key("d-backward", bf16, real, fake), () -> backward(p.get(0), cutReal),
                    () -> backward(p.get(1), cutFake));
        }
        return new DLosses(outReal.logits(), outFake.logits(), lossD, terms);
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

    /** D's pass over one side of the D step's batch (of classes y, or null): that side's share of the loss and its gradients. */
    private static Share dShare(GanModel m, SplitsBySample loss, Tensor x, Tensor y, boolean real, Tensor[] params) {
        Tensor logits = m.judge(x, y).logits();
        Tensor share = loss.discriminatorShare(logits, real, logits.numel());
        return new Share(logits.detach(), share.detach(), gradients(share, params));
    }

    /**
     * D's pass over part of the G step's {@code batch} fakes (of classes y, or null): the share's
     * gradient at them; where D reads no labels and its first layer is a convolution of an image
     * ({@link ConvFirst}), past that layer by its own product ({@link FastConv#inputGradient}).
     */
    private static Share gShare(GanModel m, Tensor part, Tensor y, long batch, boolean bf16) {
        SplitsBySample loss = (SplitsBySample) m.objective().loss();
        Cut cut = bf16 || y != null ? null : judgeCut(m.d(), part.detach());
        if (cut != null) {
            Tensor share = loss.generatorShare(cut.logits(), logitsFor(cut.logits(), part, batch));
            Tensor atCut = gradients(share, new Tensor[] {cut.leaf()})[0];
            return new Share(cut.logits().detach(), share.detach(), new Tensor[] {cut.inputGradient(atCut)});
        }
        Tensor x = part.detach().requires_grad_(true);
        Tensor logits = m.judge(x, y).logits();
        Tensor share = loss.generatorShare(logits, logitsFor(logits, x, batch));
        return new Share(logits.detach(), share.detach(), gradients(share, new Tensor[] {x}));
    }

    /**
     * D's logits on x (which needs no gradient itself) with the graph cut after D's first layer:
     * {@code leaf} is that layer's output, where the logits' gradient collects.
     */
    record Cut(Tensor logits, Tensor leaf, org.gan4j.nn.Layers.Conv2d first, long height, long width) {
        Tensor inputGradient(Tensor atLeaf) {
            return FastConv.inputGradient(first, atLeaf, height, width);
        }
    }

    /** A {@link Cut} where D's first layer is a plain convolution of an image, else null. */
    static Cut judgeCut(Discriminator d, Tensor x) {
        if (!(d instanceof ConvFirst c) || x.requires_grad() || !FastConv.inputGradientByProduct(c.firstLayer(), x)) {
            return null;
        }
        Tensor h;
        try (NoGradGuard ng = new NoGradGuard()) {
            h = c.firstLayer().forward(x);
        }
        Tensor leaf = h.requires_grad_(true);
        return new Cut(c.logitsFromFirstLayer(leaf), leaf, c.firstLayer(), x.size(2), x.size(3));
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

    /** A batch's first and second half (the second the larger where the size is odd). */
    private static Tensor[] halves(Tensor in) {
        long n = in.size(0);
        return new Tensor[] {in.narrow(0, 0, n / 2), in.narrow(0, n / 2, n - n / 2)};
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
        TensorVector gs = new TensorVector();
        for (int i = 0; i < 2; i++) {
            Tensor o = i == 0 ? pass.logits() : pass.classLogits();
            Tensor c = i == 0 ? cut.logits() : cut.classLogits();
            if (o != null && c.grad().defined()) {
                outs.push_back(o);
                gs.push_back(c.grad());
            }
        }
        if (outs.size() > 0) {
            torch.backward(outs, gs, new BoolOptional(), false, new TensorVector());
        }
    }
}
