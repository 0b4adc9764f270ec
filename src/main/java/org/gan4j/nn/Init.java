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
            t.uniform_().mul_(new Scalar(2 * bound)).sub_(new Scalar(bound));
        }
        return t;
    }

    /** N(mean, std^2), in place; returns t. */
    public static Tensor normal(Tensor t, double mean, double std) {
        try (NoGradGuard g = new NoGradGuard()) {
            t.normal_().mul_(new Scalar(std)).add_(new Scalar(mean));
        }
        return t;
    }

    /** Zeros, in place; returns t. */
    public static Tensor zero(Tensor t) {
        try (NoGradGuard g = new NoGradGuard()) {
            t.zero_();
        }
        return t;
    }
}
