package org.gan4j.objectives;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Mode-seeking regulariser for G (Mao et al. 2019, "Mode Seeking Generative Adversarial
 * Networks", arXiv:1903.05628): for pairs of noise vectors with the same condition, G should
 * move its output as far as the noise moves, ratio = mean |G(z1) - G(z2)| / mean |z1 - z2|,
 * and G minimises 1 / (ratio + 1e-5). Pairs are sample i and sample i + N/2 of a batch.
 */
public final class ModeSeeking {
    static final double EPS = 1e-5;

    private ModeSeeking() {
    }

    /** The term G minimises (unweighted) for a batch {@code fake} made from noise {@code z}. */
    public static Tensor loss(Tensor fake, Tensor z) {
        long half = fake.size(0) / 2;
        if (half == 0 || fake.size(0) != 2 * half) {
            throw new IllegalArgumentException("mode seeking pairs sample i with i + N/2: N must be even, got " + fake.size(0));
        }
        Tensor dx = fake.narrow(0, 0, half).sub(fake.narrow(0, half, half)).abs().mean();
        Tensor dz = z.narrow(0, 0, half).sub(z.narrow(0, half, half)).abs().mean();
        return dx.div(dz).add(new Scalar(EPS)).reciprocal();
    }
}
