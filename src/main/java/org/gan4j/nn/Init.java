package org.gan4j.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * In-place initialisers drawing from libtorch's default generator. They use the argument-free
 * {@code uniform_()} / {@code normal_()}: passing an empty {@code GeneratorOptional} through the
 * presets crashes libtorch 2.10 (seen here).
 */
public final class Init {
    private Init() {
    }

    /** U(-bound, bound), in place; returns t. */
    public static Tensor uniform(Tensor t, double bound) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor d = draw(t);
            d.uniform_().mul_(new Scalar(2 * bound)).sub_(new Scalar(bound));
            settle(t, d);
        }
        return t;
    }

    /** N(mean, std^2), in place; returns t. */
    public static Tensor normal(Tensor t, double mean, double std) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor d = draw(t);
            d.normal_().mul_(new Scalar(std)).add_(new Scalar(mean));
            settle(t, d);
        }
        return t;
    }

    /**
     * Random fills run in memory order: a channels-last tensor is drawn as a contiguous one and
     * copied, so every layout gets the same values at the same positions.
     */
    private static Tensor draw(Tensor t) {
        return t.is_contiguous() ? t : org.bytedeco.pytorch.global.torch.empty(t.sizes().vec().get());
    }

    private static void settle(Tensor t, Tensor drawn) {
        if (drawn != t) {
            t.copy_(drawn);
        }
    }

    /** Zeros, in place; returns t. */
    public static Tensor zero(Tensor t) {
        try (NoGradGuard g = new NoGradGuard()) {
            t.zero_();
        }
        return t;
    }
}
