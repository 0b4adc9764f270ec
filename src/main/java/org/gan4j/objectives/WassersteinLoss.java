package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;

/**
 * The Wasserstein critic game (Arjovsky et al. 2017, arXiv:1701.07875) with TF-GAN's signs:
 * D's outputs are unbounded scores, not logits of a probability. Needs a Lipschitz constraint
 * on D: weight clipping, a gradient penalty or spectral normalisation.
 */
public final class WassersteinLoss {
    private WassersteinLoss() {
    }

    /** L_D = E[D(G(z))] - E[D(x)]. */
    public static Tensor discriminator(Tensor real, Tensor fake, Reduction reduction) {
        return reduction.apply(fake).sub(reduction.apply(real));
    }

    /** L_G = -E[D(G(z))]. */
    public static Tensor generator(Tensor fake, Reduction reduction) {
        return reduction.apply(fake).neg();
    }
}
