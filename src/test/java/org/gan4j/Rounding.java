package org.gan4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Rounding-error bounds for tests that compare a computation with a more precise one, so that
 * a tolerance follows from the precision and the length of the sums rather than from the error
 * one CPU happened to show. u is the unit roundoff (half a unit in the last place, relative):
 * 2^-24 in float32, 2^-8 in bf16, 2^-53 in float64. References: N. J. Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed. (2002), §2.2 and §3.1; N. J. Higham and T. Mary, A
 * New Approach to Probabilistic Rounding Error Analysis, SIAM J. Sci. Comput. 41(5), 2019.
 */
public final class Rounding {
    public static final double U64 = 0x1p-53;
    public static final double U32 = 0x1p-24;
    public static final double U_BF16 = 0x1p-8;
    /**
     * Higham and Mary's λ: their bound fails with probability at most 2n exp(-λ²/2), 4e-22 n at
     * 10, per element, if the rounding errors are independent and of mean zero (random data).
     */
    public static final double LAMBDA = 10;

    private Rounding() {
    }

    /**
     * γ_n = nu / (1 - nu): a sum of n products (or n numbers) computed in any order has an error
     * of at most γ_n times the sum of their absolute values (Higham, Lemma 3.1, §3.1).
     */
    public static double gamma(double n, double u) {
        if (n * u >= 1) {
            throw new IllegalArgumentException("n u must be below 1 for gamma_n; n = " + n + ", u = " + u);
        }
        return n * u / (1 - n * u);
    }

    /**
     * The factor of the sum of |terms| bounding a sum of n terms computed in precision u: γ_n,
     * or where smaller (n above λ² = 100) Higham and Mary's γ~_n(λ) = exp(λ √n u + n u² / (1 - u)) - 1
     * (their Theorem 2.4), which grows as √n where the worst case grows as n.
     */
    public static double sumFactor(double n, double u) {
        double probable = Math.expm1(LAMBDA * Math.sqrt(n) * u + n * u * u / (1 - u));
        return n * u < 1 ? Math.min(gamma(n, u), probable) : probable;
    }

    /** {@link #sumFactor(double, double)} for each element of a float64 tensor of term counts. */
    public static Tensor sumFactor(Tensor n, double u) {
        Tensor worst = n.mul(new Scalar(u)).div(n.mul(new Scalar(-u)).add(new Scalar(1.0)));
        Tensor probable = torch.expm1(n.sqrt().mul(new Scalar(LAMBDA * u)).add(n.mul(new Scalar(u * u / (1 - u)))));
        double nMax = n.max().item_double();
        return nMax * u < 1 ? torch.minimum(worst, probable) : probable;
    }

    /**
     * Asserts |got - want| <= bound in every element (want and bound float64, got any type) and
     * returns the largest |got - want| / bound. With -Dgan4j.bounds.report=true it prints the
     * largest error and that share, to see how near a CPU comes to the bound.
     */
    public static double assertWithin(Tensor got, Tensor want, Tensor bound, String what) {
        Tensor err = got.to(torch.ScalarType.Double).sub(want).abs();
        // where the bound is 0 (no terms) the error must be 0 too
        double share = err.div(bound.clamp_min(new Scalar(Double.MIN_NORMAL))).max().item_double();
        double maxErr = err.max().item_double();
        if (Boolean.getBoolean("gan4j.bounds.report")) {
            System.out.printf("bounds: %s: max |err| %.3g, %.3g of its bound%n", what, maxErr, share);
        }
        assertThat(share).as("%s: the largest |error| / bound (largest error %.3g)", what, maxErr)
                .isLessThanOrEqualTo(1.0);
        return share;
    }

    /** The scalar form: asserts |got - want| <= bound and returns |got - want| / bound. */
    public static double assertWithin(double got, double want, double bound, String what) {
        double err = Math.abs(got - want);
        if (Boolean.getBoolean("gan4j.bounds.report")) {
            System.out.printf("bounds: %s: |err| %.3g, %.3g of its bound%n", what, err, err / bound);
        }
        assertThat(err).as("%s: %s against %s, bound %.3g", what, got, want, bound).isLessThanOrEqualTo(bound);
        return err / bound;
    }
}
