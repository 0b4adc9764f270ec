package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Net;

/**
 * Maps noise z of shape (N, zDim), and labels where conditional, to samples of shape
 * (N, sampleShape...). A subclass registers its layers in its constructor and writes
 * {@link #forward(Tensor)}, as a torch.nn module.
 */
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
     * Samples for what the task gives: by default {@link #forward(Tensor, Tensor)} of the noise
     * and labels; a generator of another input (an image, a sequence) overrides this.
     */
    public Tensor generate(GenInput in) {
        return forward(in.z(), in.labels());
    }
}
