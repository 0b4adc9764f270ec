package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;

/** Gradients of two copies of a net after the same backward, compared parameter by parameter. */
public final class GradAsserts {
    private GradAsserts() {
    }

    /**
     * b's gradients equal a's to within {@code tol} of each parameter's largest gradient (at least
     * {@code floor}), and are undefined exactly where a's are.
     */
    public static void sameGradients(Net a, Net b, double tol, double floor, String label) {
        Tensor[] pa = Params.of(a);
        Tensor[] pb = Params.of(b);
        assertThat(pb).as(label).hasSameSizeAs(pa);
        for (int i = 0; i < pa.length; i++) {
            Tensor ga = pa[i].grad();
            Tensor gb = pb[i].grad();
            assertThat(gb.defined()).as(label + " parameter " + i).isEqualTo(ga.defined());
            if (ga.defined()) {
                double scale = Math.max(floor, ga.abs().max().item_double());
                assertThat(gb.sub(ga).abs().max().item_double() / scale).as(label + " parameter " + i).isLessThan(tol);
            }
        }
    }
}
