package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;

/** Checks that a rewritten layer computes libtorch's map: output and every gradient. */
public final class SameMap {
    private SameMap() {
    }

    /**
     * Runs {@code want} in float64 (libtorch's reference kernels: its float32 CPU convolutions
     * get some input gradients wrong on AMD's Zen 5) and {@code got} in float32 on copies of the
     * same input, weight and bias (each a leaf needing a gradient), backpropagates one random
     * output gradient through both and compares shapes, then outputs and every gradient element
     * by element. Both maps must be a bilinear map of (x, w) plus b, as a convolution is: each
     * result is then a sum of products, and float32 gets it within {@link Rounding#sumFactor}
     * (n terms, u = 2^-24) times the sum of their absolute values, in any order of summation.
     * That sum and n come from {@code want} itself in float64 on |x|, |w|, |b| and |g| and on
     * ones. The float64 reference's own error is 2^-29 of that and ignored.
     */
    public static void check(String what, Tensor x, Tensor w, Tensor b, Op want, Op got) {
        Tensor[] ref = leaves(f64(x), f64(w), f64(b));
        Tensor[] alt = leaves(x, w, b);
        Tensor y1 = want.apply(ref[0], ref[1], ref[2]);
        Tensor y2 = got.apply(alt[0], alt[1], alt[2]);
        assertThat(y2.scalar_type().value).as(what).isEqualTo(torch.ScalarType.Float.value);
        assertThat(y2.sizes().vec().get()).as(what).containsExactly(y1.sizes().vec().get());
        Tensor g = torch.randn(y2.sizes().vec().get());
        y1.mul(f64(g)).sum().backward();
        y2.mul(g).sum().backward();
        Tensor[] abs = terms(want, f64(x).abs(), f64(w).abs(), f64(b).abs(), f64(g).abs());
        Tensor[] count = terms(want, torch.ones_like(ref[0]), torch.ones_like(ref[1]), torch.ones_like(ref[2]),
                torch.ones_like(y1));
        Tensor[] gotten = {y2, alt[0].grad(), alt[1].grad(), alt[2].grad()};
        Tensor[] wanted = {y1, ref[0].grad(), ref[1].grad(), ref[2].grad()};
        String[] names = {"", " input gradient", " weight gradient", " bias gradient"};
        for (int i = 0; i < 4; i++) {
            Rounding.assertWithin(gotten[i], wanted[i], Rounding.sumFactor(count[i], Rounding.U32).mul(abs[i]),
                    what + names[i]);
        }
    }

    /**
     * Asserts that {@code got}, a float32 output for x, w and b, is {@code want}'s in float64
     * within the bound {@link #check} uses for outputs.
     */
    public static void outputWithin(String what, Tensor got, Tensor x, Tensor w, Tensor b, Op want) {
        Tensor exact = want.apply(f64(x), f64(w), f64(b));
        Tensor abs = want.apply(f64(x).abs(), f64(w).abs(), f64(b).abs());
        Tensor count = want.apply(f64(torch.ones_like(x)), f64(torch.ones_like(w)), f64(torch.ones_like(b)));
        Rounding.assertWithin(got, exact, Rounding.sumFactor(count, Rounding.U32).mul(abs), what);
    }

    public interface Op {
        Tensor apply(Tensor x, Tensor w, Tensor b);
    }

    /**
     * The output and the gradients of x, w and b for output gradient g, in float64; with
     * non-negative arguments each is the sum of the absolute values of its terms, with ones
     * their number.
     */
    private static Tensor[] terms(Op map, Tensor x, Tensor w, Tensor b, Tensor g) {
        Tensor[] in = leaves(x, w, b);
        Tensor y = map.apply(in[0], in[1], in[2]);
        y.mul(g).sum().backward();
        return new Tensor[] {y.detach(), in[0].grad(), in[1].grad(), in[2].grad()};
    }

    private static Tensor f64(Tensor t) {
        return t.to(torch.ScalarType.Double);
    }

    private static Tensor[] leaves(Tensor... ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = ts[i].detach().clone().requires_grad_(true);
        }
        return out;
    }

    public static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }
}
