package org.gan4j.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.models.Generator;
import org.gan4j.nn.Params;

/**
 * An exponential moving average of G's weights (Karras et al. 2018, arXiv:1710.10196;
 * Yazici et al. 2019, arXiv:1806.04498): theta_ema = decay theta_ema + (1 - decay) theta.
 * Before {@code start} the copy simply follows G. Buffers (BN statistics) are copied.
 */
public final class Ema {
    private final Generator shadow;
    private final Tensor[] params;
    private final Tensor[] shadowParams;
    private final Tensor[] buffers;
    private final Tensor[] shadowBuffers;
    private final Scalar weight;
    private final long start;

    public Ema(Generator g, Generator shadow, double decay, long start) {
        this.shadow = shadow;
        this.params = Params.of(g);
        this.shadowParams = Params.of(shadow);
        this.buffers = Params.buffersOf(g);
        this.shadowBuffers = Params.buffersOf(shadow);
        this.weight = new Scalar(1 - decay);
        this.start = start;
        for (Tensor p : shadowParams) {
            p.set_requires_grad(false);
        }
        copy();
    }

    public Generator generator() {
        return shadow;
    }

    /** Folds G's current weights in; {@code step} counts G steps taken so far. */
    public void update(long step) {
        if (step < start) {
            copy();
            return;
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < params.length; i++) {
                shadowParams[i].lerp_(params[i], weight);
            }
            for (int i = 0; i < buffers.length; i++) {
                shadowBuffers[i].copy_(buffers[i]);
            }
        }
    }

    private void copy() {
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < params.length; i++) {
                shadowParams[i].copy_(params[i]);
            }
            for (int i = 0; i < buffers.length; i++) {
                shadowBuffers[i].copy_(buffers[i]);
            }
        }
    }
}
