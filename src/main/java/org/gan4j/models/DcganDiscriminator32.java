package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * DCGAN-style discriminator for 32x32 images: 4x4 stride-2 convs channels->64 (16x16) ->128
 * (8x8) ->256 (4x4), LeakyReLU(0.2), then dense 4096 -> 1 logit. No batch norm, so that
 * gradient penalties and spectral norm apply per sample (the "standard CNN" of Miyato 2018
 * keeps the same layout).
 */
public final class DcganDiscriminator32 extends Discriminator {
    private final Sequential net;
    private final long featureSize;

    public DcganDiscriminator32(long channels, DOptions o) {
        Sequential s = new Sequential(
                o.sn(Layers.conv2d(channels, 64, 4, 2, 1)), Layers.leakyReluInPlace(0.2),
                o.sn(Layers.conv2d(64, 128, 4, 2, 1)), Layers.leakyReluInPlace(0.2),
                o.sn(Layers.conv2d(128, 256, 4, 2, 1)), Layers.leakyReluInPlace(0.2));
        long c = 256;
        if (o.minibatchStd()) {
            s.add(Layers.minibatchStd(DOptions.STD_GROUP));
            c++;
        }
        featureSize = c * 4 * 4;
        net = child("net", s.add(Layers.flatten()).add(o.sn(Layers.linear(featureSize, 1))));
        Init.dcgan(this);
    }

    @Override
    public Tensor forward(Tensor x) {
        return head(features(x));
    }

    @Override
    public Tensor features(Tensor x) {
        return net.forward(x, 0, net.size() - 1);
    }

    @Override
    public long featureSize() {
        return featureSize;
    }

    @Override
    public Tensor head(Tensor features) {
        return net.forward(features, net.size() - 1, net.size()).view(-1);
    }
}
