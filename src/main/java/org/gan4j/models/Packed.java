package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;

/**
 * PacGAN (Lin et al. 2018, arXiv:1712.04086): D judges m samples at once, concatenated along
 * the first sample dimension (channels, or features for vectors). Consecutive samples of a
 * batch form one pack, so a batch of N gives N / m outputs; all samples in a pack are real or
 * all fake. The inner discriminator is built for m times the channels.
 */
public final class Packed extends Discriminator {
    private final Discriminator inner;
    private final int m;

    public Packed(Discriminator inner, int m) {
        this.inner = child("inner", inner);
        this.m = m;
    }

    @Override
    public Tensor forward(Tensor x) {
        long[] shape = x.sizes().vec().get();
        long[] packed = shape.clone();
        packed[0] = shape[0] / m;
        packed[1] = shape[1] * m;
        return inner.forward(x.reshape(packed));
    }
}
