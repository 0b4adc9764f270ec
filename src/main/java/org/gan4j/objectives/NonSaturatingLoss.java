package org.gan4j.objectives;

import static org.bytedeco.pytorch.global.torch.softplus;

import org.bytedeco.pytorch.Tensor;

/**
 * The non-saturating ("modified") GAN game (Goodfellow et al. 2014, section 3): D plays the
 * minimax game, G maximises log D(G(z)) so its gradient does not vanish early in training.
 */
public final class NonSaturatingLoss {
    private NonSaturatingLoss() {
    }

    /** L_D = E[softplus(-D(x))] + E[softplus(D(G(z)))], as {@link MinimaxLoss#discriminator}. */
    public static Tensor discriminator(Tensor real, Tensor fake, Reduction reduction) {
        return MinimaxLoss.discriminator(real, fake, reduction);
    }

    /** With one-sided label smoothing; see {@link MinimaxLoss#discriminator(Tensor, Tensor, double, Reduction)}. */
    public static Tensor discriminator(Tensor real, Tensor fake, double labelSmoothing, Reduction reduction) {
        return MinimaxLoss.discriminator(real, fake, labelSmoothing, reduction);
    }

    /** L_G = E[softplus(-D(G(z)))] = -E[log sigmoid(D(G(z)))]. */
    public static Tensor generator(Tensor fake, Reduction reduction) {
        return reduction.apply(softplus(fake.neg()));
    }
}
