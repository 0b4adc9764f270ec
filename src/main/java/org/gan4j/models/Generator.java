package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Net;
import org.gan4j.nn.SplitLinear;

/** Maps noise z of shape (N, zDim) to samples of shape (N, sampleShape...). */
public abstract class Generator extends Net {
    private final int zDim;
    private final long[] sampleShape;

    protected Generator(int zDim, long... sampleShape) {
        this.zDim = zDim;
        this.sampleShape = sampleShape.clone();
    }

    public int zDim() {
        return zDim;
    }

    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Classes G is conditioned on; 0 for an unconditional G. */
    public int classes() {
        return 0;
    }

    /**
     * Samples; a class-conditional G spreads them evenly over its classes (sample i gets
     * class i mod classes).
     */
    @Override
    public abstract Tensor forward(Tensor z);

    /** Samples of classes y (N, long); an unconditional G ignores y. */
    public Tensor forward(Tensor z, Tensor y) {
        return forward(z);
    }

    /**
     * {@link #forward(Tensor, Tensor)} where a G may leave its first dense layer's gradients for
     * the caller to complete ({@link Deferred#finish}) after its backward, which lets that layer
     * run split over two threads ({@link SplitLinear}). By default nothing is left.
     */
    public Deferred forwardDeferred(Tensor z, Tensor y) {
        return new Deferred(forward(z, y), null);
    }

    /** Samples, and the first layer's gradients still to add after backward (null: none). */
    public record Deferred(Tensor samples, SplitLinear.Pending pending) {
        /** Adds what the backward left; call after each backward through {@link #samples}. */
        public void finish() {
            if (pending != null) {
                pending.finish();
            }
        }
    }
}
