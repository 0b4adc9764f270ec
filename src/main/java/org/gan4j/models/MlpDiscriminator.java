package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/** Fully connected discriminator: prod(shape) -> 2 width -> width -> 1 logit, LeakyReLU(0.2). */
public final class MlpDiscriminator extends Discriminator {
    private final Sequential net;

    public MlpDiscriminator(long inputSize, int width) {
        net = child("net", Mlp.stack(inputSize, new long[] {2L * width, width}, 1,
                () -> Layers.leakyRelu(0.2)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x.flatten(1, -1)).view(-1);
    }
}
