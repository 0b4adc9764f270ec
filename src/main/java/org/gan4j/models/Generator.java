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

    @Override
    public abstract Tensor forward(Tensor z);
}
