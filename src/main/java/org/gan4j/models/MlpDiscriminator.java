package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * Fully connected discriminator: prod(shape) -> 2 width -> width -> 1 logit, LeakyReLU(0.2);
 * optionally spectrally normalised, with a minibatch-std feature before the last layer.
 */
public final class MlpDiscriminator extends Discriminator {
    private final Sequential net;
    private final long featureSize;

    public MlpDiscriminator(long inputSize, int width, DOptions o) {
        Sequential s = new Sequential();
        long prev = inputSize;
        for (long h : new long[] {2L * width, width}) {
            s.add(o.sn(Layers.linear(prev, h))).add(Layers.leakyRelu(0.2));
            prev = h;
        }
        if (o.minibatchStd()) {
            s.add(Layers.minibatchStd(DOptions.STD_GROUP));
            prev++;
        }
        featureSize = prev;
        net = child("net", s.add(o.sn(Layers.linear(prev, 1))));
    }

    @Override
    public Tensor forward(Tensor x) {
        return head(features(x));
    }

    @Override
    public Tensor features(Tensor x) {
        return net.forward(x.flatten(1, -1), 0, net.size() - 1);
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
