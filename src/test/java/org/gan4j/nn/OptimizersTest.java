package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
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
        float[] got = Tensors.toFloats(w);
        assertThat((double) got[0]).isCloseTo(x[0], within(1e-5));
        assertThat((double) got[1]).isCloseTo(x[1], within(1e-5));
    }
}
