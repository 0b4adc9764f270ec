package org.gan4j.objectives;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Least squares GAN (Mao et al. 2017, arXiv:1611.04076) with targets a = 0 (fake),
 * b = c = 1 (real), and TF-GAN's 0.5 factor.
 */
public final class LeastSquaresLoss {

    private LeastSquaresLoss() {
    }

    /** L_D = 0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2]. */
    public static Tensor discriminator(Tensor real, Tensor fake, Reduction reduction) {
        return reduction.apply(real.sub(new Scalar(1.0)).square()).add(reduction.apply(fake.square())).mul(new Scalar(0.5));
    }

    /** L_G = 0.5 E[(D(G(z)) - 1)^2]. */
    public static Tensor generator(Tensor fake, Reduction reduction) {
        return reduction.apply(fake.sub(new Scalar(1.0)).square()).mul(new Scalar(0.5));
    }

}
