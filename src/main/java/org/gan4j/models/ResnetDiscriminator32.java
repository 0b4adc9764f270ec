package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * SNGAN's ResNet discriminator for 32x32 (Miyato et al. 2018, table 4): an optimized
 * downsampling block (16x16), a downsampling block (8x8), two plain blocks, ReLU, global sum
 * pooling, dense -> 1 logit; C = 128 there, {@code channels} here.
 */
public final class ResnetDiscriminator32 extends Discriminator {
    private final Sequential net;
    private final long featureSize;

    public ResnetDiscriminator32(long inChannels, int channels, DOptions o) {
        Sequential s = new Sequential(
                ResBlock.down(inChannels, channels, true, true, o), ResBlock.down(channels, channels, true, false, o),
                ResBlock.down(channels, channels, false, false, o), ResBlock.down(channels, channels, false, false, o),
                Layers.relu());
        long c = channels;
        if (o.minibatchStd()) {
            s.add(Layers.minibatchStd(DOptions.STD_GROUP));
            c++;
        }
        featureSize = c;
        net = child("net", s.add(Layers.sumPool()).add(o.sn(Layers.linear(c, 1))));
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
