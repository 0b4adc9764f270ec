package org.gan4j.objectives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

/** Values computed by hand (double precision) on the logits of TF-GAN's losses_impl_test.py. */
class LossesTest {
    private static final float[] REAL = {-2.0f, 0.4f, 12.5f, 2.7f};
    private static final float[] FAKE = {10.0f, 4.4f, -5.5f, 3.6f};

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static double mean(float[] v, java.util.function.DoubleUnaryOperator f) {
        double s = 0;
        for (float x : v) {
            s += f.applyAsDouble(x);
        }
        return s / v.length;
    }

    private static Tensor t(float[] v) {
        return Tensors.fromFloats(v, v.length);
    }

    @Test
    void minimax() {
        double d = mean(REAL, x -> softplus(-x)) + mean(FAKE, LossesTest::softplus);
        assertThat(MinimaxLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN).item_double()).isCloseTo(d, within(1e-5));
        // TF-GAN's value on these logits: -4.82408
        assertThat(MinimaxLoss.generator(t(FAKE), Reduction.MEAN).item_double()).isCloseTo(-4.82408, within(1e-5));
    }

    @Test
    void nonSaturating() {
        double g = mean(FAKE, x -> softplus(-x));
        assertThat(NonSaturatingLoss.generator(t(FAKE), Reduction.MEAN).item_double()).isCloseTo(g, within(1e-5));
        assertThat(NonSaturatingLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN).item_double())
                .isCloseTo(MinimaxLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN).item_double(), within(1e-7));
    }

    @Test
    void leastSquares() {
        double d = 0.5 * mean(REAL, x -> (x - 1) * (x - 1)) + 0.5 * mean(FAKE, x -> x * x);
        double g = 0.5 * mean(FAKE, x -> (x - 1) * (x - 1));
        assertThat(LeastSquaresLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN).item_double()).isCloseTo(d, within(1e-4));
        assertThat(LeastSquaresLoss.generator(t(FAKE), Reduction.MEAN).item_double()).isCloseTo(g, within(1e-4));
    }

    @Test
    void sumReductionScalesByCount() {
        double mean = NonSaturatingLoss.generator(t(FAKE), Reduction.MEAN).item_double();
        double sum = NonSaturatingLoss.generator(t(FAKE), Reduction.SUM).item_double();
        assertThat(sum).isCloseTo(4 * mean, within(1e-4));
    }

    @Test
    void stableForExtremeLogits() {
        float[] huge = {1000f, -1000f};
        assertThat(MinimaxLoss.discriminator(t(huge), t(huge), Reduction.MEAN).item_double()).isFinite();
        assertThat(NonSaturatingLoss.generator(t(huge), Reduction.MEAN).item_double()).isCloseTo(500, within(1e-3));
    }
}
