package org.gan4j.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.Discriminator;
import org.gan4j.models.GenInput;
import org.gan4j.models.Generator;
import org.gan4j.nn.Autocast;
import org.gan4j.nn.Optim;
import org.gan4j.nn.Params;
import org.gan4j.objectives.Objective;

/**
 * What a training step works on (TF-GAN's GANModel): both networks and their optimizers, the EMA
 * of G (or null), the objective, what G is given, and the loop's settings. A {@link Trainer}
 * builds one; steps read it.
 */
public final class GanModel {
    private final Generator g;
    private final Discriminator d;
    private final Optim optG;
    private final Optim optD;
    private final Ema ema;
    private final Objective objective;
    private final InputSource inputs;
    private final Device device;
    private final boolean bf16;
    private final int batchSize;
    private final int nCritic;
    private final double weightClip;

    GanModel(Generator g, Discriminator d, Optim optG, Optim optD, Ema ema, Objective objective, InputSource inputs,
             Device device, boolean bf16, int batchSize, int nCritic, double weightClip) {
        this.g = g;
        this.d = d;
        this.optG = optG;
        this.optD = optD;
        this.ema = ema;
        this.objective = objective;
        this.inputs = inputs;
        this.device = device;
        this.bf16 = bf16;
        this.batchSize = batchSize;
        this.nCritic = nCritic;
        this.weightClip = weightClip;
    }

    public Generator g() {
        return g;
    }

    public Discriminator d() {
        return d;
    }

    public Optim optG() {
        return optG;
    }

    public Optim optD() {
        return optD;
    }

    /** The EMA of G's weights, or null. */
    public Ema ema() {
        return ema;
    }

    public Objective objective() {
        return objective;
    }

    public InputSource inputs() {
        return inputs;
    }

    public Device device() {
        return device;
    }

    /** Whether forward passes run under bf16 autocast (losses stay float32). */
    public boolean bf16() {
        return bf16;
    }

    public int batchSize() {
        return batchSize;
    }

    public int nCritic() {
        return nCritic;
    }

    /** WGAN's clipping of D's weights to [-c, c] after each D step; 0: off. */
    public double weightClip() {
        return weightClip;
    }

    /** G's samples for {@code in}, under autocast where bf16. */
    public Tensor generate(GenInput in) {
        try (Autocast ac = Autocast.bf16(bf16, device)) {
            return g.generate(in);
        }
    }

    /** {@link #generate} without a graph (the D steps of n_critic > 1). */
    public Tensor generateNoGrad(GenInput in) {
        try (NoGradGuard ng = new NoGradGuard()) {
            return generate(in);
        }
    }

    /** D's outputs on x of classes y, in float32 whatever the forward ran in. */
    public Discriminator.Output judge(Tensor x, Tensor y) {
        Discriminator.Output o;
        try (Autocast ac = Autocast.bf16(bf16, device)) {
            o = d.judge(x, y);
        }
        return bf16 ? float32(o) : o;
    }

    /** Losses and penalties are taken in float32 whatever the forward pass ran in. */
    public static Tensor float32(Tensor t) {
        return t.toType(torch.ScalarType.Float);
    }

    public static Discriminator.Output float32(Discriminator.Output o) {
        return new Discriminator.Output(float32(o.logits()), o.classLogits() == null ? null : float32(o.classLogits()));
    }

    /** After D's backward: its optimizer, then the clipping where on. */
    public void stepD() {
        optD.step();
        if (weightClip > 0) {
            Params.clip(d, weightClip);
        }
    }

    /** After G's backward: its optimizer, D's gradients back on, the EMA; G's gradient norm where asked. */
    public double stepG(long step, boolean diagnostics) {
        optG.step();
        Params.requiresGrad(d, true);
        if (ema != null) {
            ema.update(step + 1);
        }
        return diagnostics ? Params.gradNorm(g) : 0;
    }
}
