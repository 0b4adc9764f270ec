package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;

/** Gradients of two copies of a net after the same backward, compared parameter by parameter. */
public final class GradAsserts {
    private GradAsserts() {
    }

    /**
     * b's gradients are undefined exactly where a's are, equal to a's in all but at most
     * {@code mayDiffer} parameters (those whose gradients b computes another way: the same
     * inputs and kernels give the same bits), and within {@code tol} of each parameter's
     * largest gradient (at least {@code floor}) in those.
     */
    public static void sameGradients(Net a, Net b, int mayDiffer, double tol, double floor, String label) {
        Tensor[] pa = Params.of(a);
        Tensor[] pb = Params.of(b);
        assertThat(pb).as(label).hasSameSizeAs(pa);
        int differing = 0;
        for (int i = 0; i < pa.length; i++) {
            Tensor ga = pa[i].grad();
            Tensor gb = pb[i].grad();
            assertThat(gb.defined()).as(label + " parameter " + i).isEqualTo(ga.defined());
            if (ga.defined()) {
                double scale = Math.max(floor, ga.abs().max().item_double());
                double diff = gb.sub(ga).abs().max().item_double();
                differing += diff > 0 ? 1 : 0;
                if (Boolean.getBoolean("gan4j.bounds.report")) {
                    System.out.printf("bounds: %s parameter %d: %.3g of the largest gradient, %.3g of the bound%n", label,
                            i, diff / scale, diff / scale / tol);
                }
                assertThat(diff / scale).as(label + " parameter " + i).isLessThanOrEqualTo(tol);
            }
        }
        assertThat(differing).as(label + ": parameters whose gradients differ at all").isLessThanOrEqualTo(mayDiffer);
    }
}
