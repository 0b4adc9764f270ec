package org.gan4j.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/** Operations over all parameters of a module. */
public final class Params {
    private Params() {
    }

    public static void requiresGrad(Net net, boolean on) {
        TensorVector ps = net.parameters();
        for (long i = 0; i < ps.size(); i++) {
            ps.get(i).set_requires_grad(on);
        }
    }

    /** L2 norm of all gradients together (0 where none has been computed). */
    public static double gradNorm(Net net) {
        TensorVector ps = net.parameters();
        double sq = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            for (long i = 0; i < ps.size(); i++) {
                Tensor grad = ps.get(i).grad();
                if (grad.defined()) {
                    sq += grad.square().sum().item_double();
                }
            }
        }
        return Math.sqrt(sq);
    }

    public static long count(Net net) {
        TensorVector ps = net.parameters();
        long n = 0;
        for (long i = 0; i < ps.size(); i++) {
            n += ps.get(i).numel();
        }
        return n;
    }
}
