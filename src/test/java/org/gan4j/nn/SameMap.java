package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Checks that a rewritten layer computes libtorch's map: output and every gradient. */
public final class SameMap {
    private SameMap() {
    }

    /**
     * Runs {@code want} in float64 (libtorch's reference kernels: its float32 CPU convolutions
     * get some input gradients wrong on AMD's Zen 5) and {@code got} in float32 on copies of the
     * same input, weight and bias (each a leaf needing a gradient), backpropagates one random
     * output gradient through both and compares shapes, outputs (1e-4), input gradients (1e-4),
     * weight and bias gradients (1e-3).
     */
    public static void check(String what, Tensor x, Tensor w, Tensor b, Op want, Op got) {
        Tensor[] ref = leaves(x.to(torch.ScalarType.Double), w.to(torch.ScalarType.Double), b.to(torch.ScalarType.Double));
        Tensor[] alt = leaves(x, w, b);
        Tensor y1 = want.apply(ref[0], ref[1], ref[2]);
        Tensor y2 = got.apply(alt[0], alt[1], alt[2]);
        assertThat(y2.scalar_type().value).as(what).isEqualTo(torch.ScalarType.Float.value);
        assertThat(y2.sizes().vec().get()).as(what).containsExactly(y1.sizes().vec().get());
        assertThat(maxDiff(y2, y1)).as(what).isLessThan(1e-4);
        Tensor g = torch.randn(y2.sizes().vec().get());
        y1.mul(g.to(torch.ScalarType.Double)).sum().backward();
        y2.mul(g).sum().backward();
        assertThat(maxDiff(alt[0].grad(), ref[0].grad())).as(what + " input gradient").isLessThan(1e-4);
        assertThat(maxDiff(alt[1].grad(), ref[1].grad())).as(what + " weight gradient").isLessThan(1e-3);
        assertThat(maxDiff(alt[2].grad(), ref[2].grad())).as(what + " bias gradient").isLessThan(1e-3);
    }

    public interface Op {
        Tensor apply(Tensor x, Tensor w, Tensor b);
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
