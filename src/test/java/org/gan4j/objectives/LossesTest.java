package org.gan4j.objectives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.Rounding;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Each objective against TF-GAN's own expected values (tensorflow_gan losses_impl_test.py):
 * the same logits, the same constants, 5 decimals.
 */
class LossesTest {
    private static final float[] REAL = {-5.0f, 1.4f, 12.5f, 2.7f};
    private static final float[] FAKE = {10.0f, 4.4f, -5.5f, 3.6f};
    private static final double TF_DECIMALS_5 = 0.5e-5;
    /**
     * The magnitude of any of these losses' terms' sums: |value| where every term has one sign,
     * at most mean |real| + mean |fake| = 11.275 where they do not (Wasserstein, hinge's G).
     */
    private static final double TERMS = 5.4 + 5.875;

    private static Tensor t(float[] v) {
        return Tensors.fromFloats(v, v.length);
    }

    /**
     * TF-GAN's goldens are rounded to 5 decimals; float32 adds at most 16 roundings (u = 2^-24)
     * of the terms' magnitude: two means of 4 terms of at most 5 operations each (exp and log1p
     * within 1 unit in the last place), their sum and smoothing's product. A wrong formula or
     * smoothing is off by 0.01 or more, 10^3 times this.
     */
    private static void check(Tensor value, double expected) {
        double bound = TF_DECIMALS_5 + Rounding.gamma(16, Rounding.U32) * Math.max(Math.abs(expected), TERMS);
        assertThat(value.item_double()).isCloseTo(expected, within(bound));
    }

    /** TF-GAN's D losses on logits use its default one-sided label smoothing of 0.25. */
    private static final double TF_SMOOTHING = 0.25;

    @Test
    void minimax() {
        check(MinimaxLoss.generator(t(FAKE), Reduction.MEAN), -4.82408);
        check(MinimaxLoss.discriminator(t(REAL), t(FAKE), TF_SMOOTHING, Reduction.MEAN), 6.19637);
        // without smoothing: mean softplus(-real) + mean softplus(fake), by hand in double
        check(MinimaxLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN), 1.323045 + 4.510821);
    }

    @Test
    void nonSaturating() {
        check(NonSaturatingLoss.generator(t(FAKE), Reduction.MEAN), 1.38582);
        check(NonSaturatingLoss.discriminator(t(REAL), t(FAKE), TF_SMOOTHING, Reduction.MEAN), 6.19637);
    }

    @Test
    void leastSquares() {
        check(LeastSquaresLoss.generator(t(FAKE), Reduction.MEAN), 17.69625);
        check(LeastSquaresLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN), 41.73375);
    }

    @Test
    void wasserstein() {
        check(WassersteinLoss.generator(t(FAKE), Reduction.MEAN), -3.12500);
        check(WassersteinLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN), 0.22500);
    }

    @Test
    void hinge() {
        check(HingeLoss.generator(t(FAKE), Reduction.MEAN), -3.12500);
        check(HingeLoss.discriminator(t(REAL), t(FAKE), Reduction.MEAN), 6.75000);
    }

    @Test
    void patchShapedLogitsGiveTheSameValue() {
        Tensor real = t(REAL).reshape(2, 2);
        Tensor fake = t(FAKE).reshape(2, 2);
        check(LeastSquaresLoss.discriminator(real, fake, Reduction.MEAN), 41.73375);
        check(HingeLoss.discriminator(real, fake, Reduction.MEAN), 6.75000);
    }

    /** TF-GAN's penalty test: D(x) = 2 x on one 4-vector, so every slope is |(2, 2, 2, 2)| = 4. */
    @Test
    void gradientPenalty() {
        Tensor fake = Tensors.fromFloats(new float[] {3.1f, 2.3f, -12.3f, 32.1f}, 1, 4);
        Tensor real = Tensors.fromFloats(new float[] {-12.3f, 23.2f, 16.3f, -43.2f}, 1, 4);
        Scalar two = new Scalar(2.0);
        check(Penalties.gradientPenalty(x -> x.mul(two).sum(1), real, fake, 1.0, false), 9.0);
        check(Penalties.gradientPenalty(x -> x.mul(two).sum(1), real, fake, 1.0, true), 9.0);
        check(Penalties.gradientPenalty(x -> x.mul(two).sum(1), real, fake, 2.0, false), 1.0);
    }

    @Test
    void gradientPenaltyIsDifferentiableInTheCriticWeights() {
        Tensor w = Tensors.fromFloats(new float[] {2f, 2f, 2f, 2f}, 4).requires_grad_(true);
        Tensor fake = Tensors.fromFloats(new float[] {3.1f, 2.3f, -12.3f, 32.1f}, 1, 4);
        Tensor real = Tensors.fromFloats(new float[] {-12.3f, 23.2f, 16.3f, -43.2f}, 1, 4);
        Tensor gp = Penalties.gradientPenalty(x -> x.mul(w).sum(1), real, fake, 1.0, false);
        gp.backward();
        // d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w| = 2 * 3 * 2 / 4 = 3 for each weight
        float[] grad = Tensors.toFloats(w.grad());
        // the slope's norm, |w| - 1 and the products: 16 float32 roundings of terms of |w| = 4 at most
        for (float g : grad) {
            assertThat((double) g).isCloseTo(3.0, within(Rounding.gamma(16, Rounding.U32) * 3 * 4));
        }
    }

    /** R1 of D(x) = sum 2x: ||grad||^2 = 4 * 4 = 16 per sample, times gamma / 2. */
    @Test
    void r1() {
        Tensor real = Tensors.fromFloats(new float[] {1f, -2f, 3f, 4f, 0f, 0f, 0f, 1f}, 2, 4).requires_grad_(true);
        Tensor logits = real.mul(new Scalar(2.0)).sum(1);
        check(Penalties.r1(logits, real, 10.0), 80.0);
        // D(x) = sum x^2: grad 2x, ||2x||^2 = 4 (1 + 4 + 9 + 16) = 120 and 4 * 1 = 4, mean 62
        Tensor real2 = Tensors.fromFloats(new float[] {1f, -2f, 3f, 4f, 0f, 0f, 0f, 1f}, 2, 4).requires_grad_(true);
        check(Penalties.r1(real2.square().sum(1), real2, 2.0), 62.0);
    }

    @Test
    void sumReductionScalesByCount() {
        double mean = NonSaturatingLoss.generator(t(FAKE), Reduction.MEAN).item_double();
        double sum = NonSaturatingLoss.generator(t(FAKE), Reduction.SUM).item_double();
        // the same 4 non-negative terms summed and averaged in float32: within gamma_5 (u = 2^-24) of
        // the sum each
        assertThat(sum).isCloseTo(4 * mean, within(2 * Rounding.gamma(5, Rounding.U32) * sum));
    }

    @Test
    void stableForExtremeLogits() {
        float[] huge = {1000f, -1000f};
        assertThat(MinimaxLoss.discriminator(t(huge), t(huge), Reduction.MEAN).item_double()).isFinite();
        assertThat(NonSaturatingLoss.generator(t(huge), Reduction.MEAN).item_double()).isCloseTo(500, within(Rounding.gamma(8, Rounding.U32) * 1000)); // softplus(1000) = 1000 in float32
    }

    /**
     * Every game's shares over parts of a batch (1 + 3 real logits, 2 + 2 fake) add up to its
     * loss, D's and G's; the trainer's split passes back-propagate these shares alone.
     */
    @Test
    void sharesOfPartsAddUpToTheLoss() {
        for (org.gan4j.config.Choices.Loss game : org.gan4j.config.Choices.Loss.values()) {
            for (double smoothing : new double[] {0, TF_SMOOTHING}) {
                GanLoss whole = GanLoss.of(game, smoothing);
                assertThat(whole).as(game.toString()).isInstanceOf(org.gan4j.fast.SplitsBySample.class);
                org.gan4j.fast.SplitsBySample l = (org.gan4j.fast.SplitsBySample) whole;
                Tensor real = t(REAL);
                Tensor fake = t(FAKE);
                double shares = l.discriminatorShare(real.narrow(0, 0, 1), true, 4).item_double()
                        + l.discriminatorShare(real.narrow(0, 1, 3), true, 4).item_double()
                        + l.discriminatorShare(fake.narrow(0, 0, 2), false, 4).item_double()
                        + l.discriminatorShare(fake.narrow(0, 2, 2), false, 4).item_double();
                // the same terms grouped otherwise: each side within 16 roundings of the terms' size,
                // at most the largest loss here (41.7, least squares' D) or TERMS
                double bar = 2 * Rounding.gamma(16, Rounding.U32) * Math.max(TERMS, 42);
                assertThat(shares).as(game + " D").isCloseTo(whole.discriminator(real, fake).item_double(), within(bar));
                double g = l.generatorShare(fake.narrow(0, 0, 1), 4).item_double()
                        + l.generatorShare(fake.narrow(0, 1, 3), 4).item_double();
                assertThat(g).as(game + " G").isCloseTo(whole.generator(null, fake).item_double(), within(bar));
            }
        }
    }
}
