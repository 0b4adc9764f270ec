package org.gan4j.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.models.Discriminator;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.gan4j.nn.Optimizers;
import org.gan4j.nn.Params;
import org.gan4j.objectives.GanLoss;

/**
 * The least code that trains a config's model: the same G, D, optimizers (libtorch's own), loss,
 * EMA and precision as {@link Trainer}, on one fixed real batch, without the loader, per-step
 * seeding, learning-rate schedule, diagnostics or memory housekeeping. The yardstick for the framework's overhead;
 * penalties, clipping and conditioning are left out (use it on plain configs).
 */
public final class RawLoop {
    private final Generator g;
    private final Discriminator d;
    private final Optimizer optG;
    private final Optimizer optD;
    private final GanLoss loss;
    private final int batch;
    private final int k;
    private final Tensor real;
    private final Tensor[] params;
    private final Tensor[] shadowParams;
    private final Scalar w;
    private final boolean bf16;
    private final org.bytedeco.pytorch.Device device;

    /** The config's models, optimizers and one fixed real batch, built as {@link Trainer} builds them. */
    public RawLoop(ExperimentConfig cfg) {
        torch.manual_seed(cfg.seed());
        device = org.gan4j.nn.Devices.resolve(cfg.device());
        Models.Pair p = Models.build(cfg);
        g = p.g();
        d = p.d();
        g.to(device, false);
        d.to(device, false);
        // the same layers as the trainer's (its kernels and layout), so the two loops differ in the step alone
        SpeedPaths speed = SpeedPaths.choose(cfg.train().fastPaths());
        speed.prepare(g, cfg.train().channelsLast());
        speed.prepare(d, cfg.train().channelsLast());
        optG = Optimizers.create(g, cfg.train().optimizerG());
        optD = Optimizers.create(d, cfg.train().optimizerD());
        loss = GanLoss.of(cfg.objective().loss(), cfg.objective().labelSmoothing());
        batch = cfg.train().batchSize();
        k = cfg.train().nCritic();
        long[] shape = Models.sampleShape(cfg);
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        real = torch.rand(full).mul(new Scalar(2.0)).sub(new Scalar(1.0)).to(device, torch.ScalarType.Float);
        double decay = cfg.train().emaDecay();
        Generator shadow = decay > 0 ? Models.generator(cfg) : null;
        if (shadow != null) {
            shadow.to(device, false);
            speed.prepare(shadow, cfg.train().channelsLast());
        }
        params = Params.of(g);
        shadowParams = shadow == null ? new Tensor[0] : Params.of(shadow);
        w = new Scalar(1 - decay);
        // the same precision as the trainer's step (losses in float32), so bf16 overheads compare too
        bf16 = cfg.train().precision() == org.gan4j.config.Choices.Precision.BF16;
    }

    /**
     * The config keys whose work this loop leaves out (empty: it runs the trainer's step), so
     * that an overhead over it is not read as the framework's where the steps differ.
     */
    public static java.util.List<String> leavesOut(ExperimentConfig cfg) {
        java.util.List<String> out = new java.util.ArrayList<>();
        ExperimentConfig.Objective o = cfg.objective();
        if (o.penalty() != org.gan4j.config.Choices.Penalty.NONE && o.penaltyWeight() > 0) {
            out.add("objective.penalty");
        }
        if (o.weightClip() > 0) {
            out.add("objective.weight_clip");
        }
        if (o.info() > 0) {
            out.add("objective.info");
        }
        if (o.modeSeeking() > 0) {
            out.add("objective.mode_seeking");
        }
        if (cfg.model().conditioning() != org.gan4j.config.Choices.Conditioning.NONE) {
            out.add("model.conditioning");
        }
        return out;
    }

    /** One training step: n_critic D steps, the G step, the EMA update. */
    public void step() {
        try (PointerScope scope = new PointerScope()) {
            Tensor fake = null;
            for (int c = 0; c < k; c++) {
                Tensor lossD;
                try (org.gan4j.nn.Autocast ac = org.gan4j.nn.Autocast.bf16(bf16, device)) {
                    if (k == 1) {
                        fake = g.forward(torch.randn(batch, g.zDim()).to(device, torch.ScalarType.Float));
                    } else {
                        try (NoGradGuard ng = new NoGradGuard()) {
                            fake = g.forward(torch.randn(batch, g.zDim()).to(device, torch.ScalarType.Float));
                        }
                    }
                    lossD = loss.discriminator(d.forward(real).toType(torch.ScalarType.Float),
                            d.forward(fake.detach()).toType(torch.ScalarType.Float));
                }
                optD.zero_grad();
                lossD.backward();
                optD.step();
            }
            Params.requiresGrad(d, false);
            Tensor lossG;
            try (org.gan4j.nn.Autocast ac = org.gan4j.nn.Autocast.bf16(bf16, device)) {
                if (k > 1) {
                    fake = g.forward(torch.randn(batch, g.zDim()).to(device, torch.ScalarType.Float));
                }
                lossG = loss.generator(null, d.forward(fake).toType(torch.ScalarType.Float));
            }
            optG.zero_grad();
            lossG.backward();
            optG.step();
            Params.requiresGrad(d, true);
            try (NoGradGuard ng = new NoGradGuard()) {
                for (int j = 0; j < shadowParams.length; j++) {
                    shadowParams[j].lerp_(params[j], w);
                }
            }
        }
    }

    /**
     * Where a step's time goes: the raw loop (n_critic 1, under bf16 autocast when the config
     * asks) timed phase by phase, in ms per step averaged over {@code steps}; each timer waits
     * for the device, so it covers its own phase's work.
     */
    public java.util.Map<String, Double> profile(int warmup, int steps) {
        String[] names = {"G forward", "D forward (real, fake)", "D backward", "D optimizer", "D forward (G step)",
            "G backward (through D)", "G optimizer"};
        double[] ns = new double[names.length];
        for (int i = 0; i < warmup + steps; i++) {
            try (PointerScope scope = new PointerScope()) {
                long[] t = new long[names.length + 1];
                t[0] = tick();
                Tensor fake;
                try (org.gan4j.nn.Autocast ac = org.gan4j.nn.Autocast.bf16(bf16, device)) {
                    fake = g.forward(torch.randn(batch, g.zDim()).to(device, torch.ScalarType.Float));
                }
                t[1] = tick();
                Tensor lossD;
                try (org.gan4j.nn.Autocast ac = org.gan4j.nn.Autocast.bf16(bf16, device)) {
                    lossD = loss.discriminator(d.forward(real).toType(torch.ScalarType.Float),
                            d.forward(fake.detach()).toType(torch.ScalarType.Float));
                }
                lossD.item_double();
                t[2] = tick();
                optD.zero_grad();
                lossD.backward();
                t[3] = tick();
                optD.step();
                t[4] = tick();
                Params.requiresGrad(d, false);
                Tensor lossG;
                try (org.gan4j.nn.Autocast ac = org.gan4j.nn.Autocast.bf16(bf16, device)) {
                    lossG = loss.generator(null, d.forward(fake).toType(torch.ScalarType.Float));
                }
                lossG.item_double();
                t[5] = tick();
                optG.zero_grad();
                lossG.backward();
                t[6] = tick();
                optG.step();
                t[7] = tick();
                Params.requiresGrad(d, true);
                if (i >= warmup) {
                    for (int k = 0; k < names.length; k++) {
                        ns[k] += t[k + 1] - t[k];
                    }
                }
            }
        }
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            out.put(names[k], Math.round(ns[k] / steps / 1e4) / 100.0);
        }
        return out;
    }

    /** Now, once the device has finished what was queued (CUDA runs asynchronously). */
    private long tick() {
        org.gan4j.nn.Devices.synchronize(device);
        return System.nanoTime();
    }
}
