package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.fast.ConvFirst;
import org.gan4j.fast.SampleWise;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;
import org.gan4j.nn.Sequential;

/**
 * DCGAN discriminator for 28x28x1 (Radford et al. 2015): 5x5 stride-2 convs 1->64 (14x14)
 * ->128 (7x7), each followed by LeakyReLU(0.2) and dropout, then dense 6272 -> 1 logit. Dropout runs
 * before the activation, in place (the same map: the mask is non-negative), as one product on the CPU.
 */
public final class DcganDiscriminator28 extends Discriminator implements ConvFirst, SampleWise {
    private final Sequential net;
    private final long featureSize;
    private final boolean independent;

    public DcganDiscriminator28(double dropout) {
        this(dropout, 1, DOptions.PLAIN);
    }

    /** {@code channels} input channels (packing multiplies them); options as configured. */
    public DcganDiscriminator28(double dropout, long channels, DOptions o) {
        Net[] act1 = Layers.dropoutLeakyReluInPlace(dropout, 0.2);
        Net[] act2 = Layers.dropoutLeakyReluInPlace(dropout, 0.2);
        Sequential s = new Sequential(
                o.sn(Layers.conv2d(channels, 64, 5, 2, 2)), act1[0], act1[1],
                o.sn(Layers.conv2d(64, 128, 5, 2, 2)), act2[0], act2[1]);
        long features = 128;
        if (o.minibatchStd()) {
            s.add(Layers.minibatchStd(DOptions.STD_GROUP));
            features++;
        }
        featureSize = features * 7 * 7;
        independent = !o.minibatchStd() && !o.spectralNorm();
        net = child("net", s.add(Layers.flatten()).add(o.sn(Layers.linear(featureSize, 1))));
        Init.dcgan(this);
    }

    @Override
    public Tensor forward(Tensor x) {
        return logits(net.forward(x, 0, net.size() - 2));
    }

    /** The last layer on the maps before Flatten: channels-last maps then need no copy. */
    private Tensor logits(Tensor maps) {
        return ((Layers.Linear) net.get(net.size() - 1)).forwardFlattened(maps).view(-1);
    }

    @Override
    public Layers.Conv2d firstLayer() {
        return (Layers.Conv2d) net.get(0);
    }

    @Override
    public Tensor logitsFromFirstLayer(Tensor h) {
        return logits(net.forward(h, 1, net.size() - 2));
    }

    @Override
    public boolean samplesIndependent() {
        return independent;
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
