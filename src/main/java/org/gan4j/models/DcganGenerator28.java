package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * DCGAN generator for 28x28x1 (Radford et al. 2015, arXiv:1511.06434), in the layout of
 * TensorFlow's DCGAN tutorial: z -> dense 7x7x256, BN, LeakyReLU -> 5x5 transposed convs
 * 256->128 (stride 1, 7x7), 128->64 (stride 2, 14x14), 64->1 (stride 2, 28x28), tanh.
 * Weights init N(0, 0.02), BN scale N(1, 0.02), as in the paper.
 */
public final class DcganGenerator28 extends Generator {
    private final Sequential net;

    public DcganGenerator28(int zDim) {
        this(zDim, 1, false);
    }

    /**
     * {@code channels} output channels (3 for Stacked MNIST); {@code bnBias}: biases on the layers
     * batch norm follows, which it cancels (the tutorial has none; gan4j's checkpoints of format 1
     * have them).
     */
    public DcganGenerator28(int zDim, int channels, boolean bnBias) {
        super(zDim, channels, 28, 28);
        net = child("net", new Sequential(
                Layers.linear(zDim, 7 * 7 * 256, bnBias), Layers.batchNorm(7 * 7 * 256), Layers.leakyReluInPlace(0.2),
                Layers.reshape(256, 7, 7),
                Layers.convTranspose2d(256, 128, 5, 1, 2, 0, bnBias), Layers.batchNorm(128), Layers.leakyReluInPlace(0.2),
                Layers.convTranspose2d(128, 64, 5, 2, 2, 1, bnBias), Layers.batchNorm(64), Layers.leakyReluInPlace(0.2),
                Layers.convTranspose2d(64, channels, 5, 2, 2, 1), Layers.tanh()));
        Init.dcgan(this);
    }

    @Override
    public Tensor forward(Tensor z) {
        return net.forward(z);
    }
}
