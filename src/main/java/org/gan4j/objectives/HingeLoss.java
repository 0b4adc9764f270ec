package org.gan4j.objectives;

import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The hinge game of geometric GAN (Lim &amp; Ye 2017, arXiv:1705.02894) as used by SNGAN
 * (Miyato et al. 2018): TF-GAN's wasserstein_hinge losses with margins 1.
 */
public final class HingeLoss {

    private HingeLoss() {
    }

    /** L_D = E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]. */
    public static Tensor discriminator(Tensor real, Tensor fake, Reduction reduction) {
        return reduction.apply(relu(real.neg().add(new Scalar(1.0)))).add(reduction.apply(relu(fake.add(new Scalar(1.0)))));
    }

    /** L_G = -E[D(G(z))]. */
    public static Tensor generator(Tensor fake, Reduction reduction) {
        return reduction.apply(fake).neg();
    }
}
