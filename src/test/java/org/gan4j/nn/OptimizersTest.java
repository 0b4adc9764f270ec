package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

class OptimizersTest {

    @Test
    void adamBetasReadBackAsSet() {
        AdamOptions o = Optimizers.adamOptions(2e-4, 0.5, 0.999, 1e-8);
        double[] betas = Optimizers.adamBetas(o);
        assertThat(betas[0]).isEqualTo(0.5);
        assertThat(betas[1]).isEqualTo(0.999);
    }

    /** Two Adam steps against the update computed by hand (Kingma & Ba 2015, Algorithm 1). */
    @Test
    void adamStepsMatchHandComputedUpdate() {
        double lr = 0.1;
        double b1 = 0.5;
        double b2 = 0.999;
        double eps = 1e-8;
        Tensor w = Tensors.fromFloats(new float[] {1.0f, -2.0f}, 2);
        w.set_requires_grad(true);
        TensorVector params = new TensorVector(w);
        Adam adam = new Adam(params, Optimizers.adamOptions(lr, b1, b2, eps));
        double[] x = {1.0, -2.0};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int t = 1; t <= 2; t++) {
            adam.zero_grad();
            // loss = sum(w^3): gradient 3 w^2
            w.pow(new org.bytedeco.pytorch.Scalar(3)).sum().backward();
            adam.step();
            for (int i = 0; i < 2; i++) {
                double g = 3 * x[i] * x[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                double vh = v[i] / (1 - Math.pow(b2, t));
                x[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        // libtorch steps in float32: each step, at most lr (1 - b1) / sqrt(1 - b2) (Kingma & Ba,
        // §2.1), in at most 16 operations of u = 2^-24 each, added to a weight below 3 (u 3); the
        // gradient 3 w^2 is 2 roundings off, which the step's m / sqrt(v) scales out at t = 1 and 2
        // to within the same count. A wrong step is off by ~lr, 10^4 times more.
        double r = (1 - b1) / Math.sqrt(1 - b2);
        double bound = 2 * (16 * Rounding.U32 * lr * r + Rounding.U32 * 3);
        float[] got = Tensors.toFloats(w);
        assertThat((double) got[0]).isCloseTo(x[0], within(bound));
        assertThat((double) got[1]).isCloseTo(x[1], within(bound));
    }
}
