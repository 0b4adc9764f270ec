package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
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
}
