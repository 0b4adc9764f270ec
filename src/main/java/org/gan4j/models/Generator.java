package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.DeferredGrads;
import org.gan4j.nn.Net;

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
     * {@link #forward(Tensor, Tensor)} where layers may leave parameter gradients for the caller
     * to add ({@link Deferred#finish}) after its backward ({@link DeferredGrads}): a first dense
     * layer fed by the noise runs split over two threads ({@link org.gan4j.nn.SplitLinear}), and
     * under bf16 autocast wide convolutions compute their weight gradients as forward
     * convolutions.
     */
    public Deferred forwardDeferred(Tensor z, Tensor y) {
        try (DeferredGrads grads = DeferredGrads.open()) {
            return new Deferred(forward(z, y), grads);
        }
    }

    /** Samples, and the gradients still to add after backward. */
    public record Deferred(Tensor samples, DeferredGrads grads) {
        /** Adds what the backward left; call after each backward through {@link #samples}. */
        public void finish() {
            grads.finish();
        }
    }
}
