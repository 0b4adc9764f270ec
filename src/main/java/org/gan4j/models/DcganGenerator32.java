package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * DCGAN generator for 32x32x3 (Radford et al. 2015, the CIFAR-10 variant): z -> dense 4x4x512,
 * BN, ReLU -> 4x4 stride-2 transposed convs 512->256 (8x8) ->128 (16x16), each BN, ReLU ->
 * 128->3 (32x32), tanh. Weights N(0, 0.02).
 */
public final class DcganGenerator32 extends Generator {
    private final Sequential net;

    public DcganGenerator32(int zDim) {
        this(zDim, false);
    }

    /** {@code bnBias}: biases on the layers batch norm follows (see {@link DcganGenerator28}). */
    public DcganGenerator32(int zDim, boolean bnBias) {
        super(zDim, 3, 32, 32);
        net = child("net", new Sequential(
                Layers.linear(zDim, 4 * 4 * 512, bnBias), Layers.batchNorm(4 * 4 * 512), Layers.reluInPlace(),
                Layers.reshape(512, 4, 4),
                Layers.convTranspose2d(512, 256, 4, 2, 1, 0, bnBias), Layers.batchNorm(256), Layers.reluInPlace(),
                Layers.convTranspose2d(256, 128, 4, 2, 1, 0, bnBias), Layers.batchNorm(128), Layers.reluInPlace(),
                Layers.convTranspose2d(128, 3, 4, 2, 1, 0), Layers.tanh()));
        Init.dcgan(this);
    }

    @Override
    public Tensor forward(Tensor z) {
        return net.forward(z);
    }
}
