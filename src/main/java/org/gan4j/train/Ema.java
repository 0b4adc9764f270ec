package org.gan4j.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.Generator;
import org.gan4j.nn.Devices;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Params;
import org.gan4j.nn.Seeds;

/**
 * An exponential moving average of G's weights (Karras et al. 2018, arXiv:1710.10196;
 * Yazici et al. 2019, arXiv:1806.04498): theta_ema = decay theta_ema + (1 - decay) theta.
 * Before {@code start} the copy simply follows G. The average's batch norms are given statistics
 * of its own weights when it is read ({@link #generator}): G's, copied, belong to other weights,
 * and the further the average reaches back the worse they fit it.
 */
public final class Ema {
    private final Generator shadow;
    private final Tensor[] params;
    private final Tensor[] shadowParams;
    private final Tensor[] buffers;
    private final Tensor[] shadowBuffers;
    private final Scalar weight;
    private final long start;
    private boolean stale;

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

    /** The average, its batch norms' statistics recomputed where its weights moved since the last read. */
    public Generator generator() {
        if (stale) {
            recomputeStatistics();
            stale = false;
        }
        return shadow;
    }

    /** Marks the average's statistics as not of its weights (after its weights were loaded anew). */
    public void markStale() {
        stale = true;
    }

    /** The average as it is, for loading a checkpoint into. */
    public Generator shadow() {
        return shadow;
    }

    /**
     * Batch statistics of the average on STAT_BATCHES batches of fixed noise (and balanced
     * classes): a function of its weights alone, so reads at any step repeat on resume. The
     * torch seed it sets is reset by the next training step's.
     */
    private void recomputeStatistics() {
        org.bytedeco.pytorch.Device device = Params.device(shadow);
        int classes = shadow.classes();
        Seeds.seedTorch(STAT_SEED);
        Layers.recomputeBatchNorm(shadow, STAT_BATCHES, () -> {
            try (PointerScope scope = new PointerScope()) {
                Tensor z = Devices.onDevice(torch.randn(STAT_BATCH, shadow.zDim()), device);
                if (classes > 0) {
                    Tensor y = torch.arange(new Scalar(STAT_BATCH)).remainder(new Scalar(classes)).toType(torch.ScalarType.Long);
                    shadow.forward(z, Devices.onDevice(y, device));
                } else {
                    shadow.forward(z);
                }
            }
        });
    }

    private static final int STAT_BATCHES = 8;
    private static final int STAT_BATCH = 256;
    private static final long STAT_SEED = 0x5747_4154_5345_4544L;

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
        stale = true;
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
