package org.gan4j.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/** Operations over all parameters of a module. */
public final class Params {
    private Params() {
    }

    /**
     * A module's parameters as owned handles. {@code TensorVector.get} returns a view into the
     * vector's storage, which dangles once the vector is freed (seen here: a crash in copy_).
     */
    public static Tensor[] of(org.bytedeco.pytorch.Module m) {
        return owned(m.parameters());
    }

    /** A module's buffers (BN statistics) as owned handles. */
    public static Tensor[] buffersOf(org.bytedeco.pytorch.Module m) {
        return owned(m.buffers());
    }

    private static Tensor[] owned(TensorVector v) {
        Tensor[] out = new Tensor[(int) v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Tensor(v.get(i));
        }
        return out;
    }

    /** Where a module's parameters live (the CPU for a module without any). */
    public static org.bytedeco.pytorch.Device device(org.bytedeco.pytorch.Module m) {
        Tensor[] ps = of(m);
        return ps.length > 0 ? ps[0].device() : new org.bytedeco.pytorch.Device(org.bytedeco.pytorch.global.torch.DeviceType.CPU);
    }

    public static void requiresGrad(Net net, boolean on) {
        TensorVector ps = net.parameters();
        for (long i = 0; i < ps.size(); i++) {
            ps.get(i).set_requires_grad(on);
        }
    }

    /** Clamps every parameter into [-c, c] in place (WGAN's weight clipping). */
    public static void clip(Net net, double c) {
        Tensor[] ps = of(net);
        org.bytedeco.pytorch.Scalar lo = new org.bytedeco.pytorch.Scalar(-c);
        org.bytedeco.pytorch.Scalar hi = new org.bytedeco.pytorch.Scalar(c);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : ps) {
                p.clamp_(new org.bytedeco.pytorch.ScalarOptional(lo), new org.bytedeco.pytorch.ScalarOptional(hi));
            }
        }
    }

    /** Adds {@code g} to {@code p}'s gradient as autograd would: taken as it is where none is set yet. */
    public static void addGrad(Tensor p, Tensor g) {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (p.grad().defined()) {
                p.grad().add_(g);
            } else {
                p.mutable_grad().put(g);
            }
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
