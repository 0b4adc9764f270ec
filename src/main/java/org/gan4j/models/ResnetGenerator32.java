package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * SNGAN's ResNet generator for 32x32x3 (Miyato et al. 2018, table 4): z -> dense 4x4xC,
 * three upsampling residual blocks (8, 16, 32), BN, ReLU, conv3x3 -> 3, tanh; C = 256 there,
 * {@code channels} here.
 */
public final class ResnetGenerator32 extends Generator {
    private final Sequential net;

    public ResnetGenerator32(int zDim, int channels) {
        super(zDim, 3, 32, 32);
        net = child("net", new Sequential(
                Layers.linear(zDim, 4 * 4 * channels), Layers.reshape(channels, 4, 4),
                ResBlock.up(channels, channels), ResBlock.up(channels, channels), ResBlock.up(channels, channels),
                Layers.batchNorm(channels), Layers.relu(), Layers.conv2d(channels, 3, 3, 1, 1), Layers.tanh()));
    }

    @Override
    public Tensor forward(Tensor z) {
        return net.forward(z);
    }
}
