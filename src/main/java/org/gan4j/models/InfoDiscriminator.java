package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;

/**
 * InfoGAN's D (Chen et al. 2016, arXiv:1606.03657): an unconditional D whose features also feed
 * Q, a linear head guessing which latent component made a sample. G and Q minimising
 * Q's cross-entropy on fakes maximises a lower bound on the mutual information between the
 * component and the sample, so each component becomes a distinct kind of sample (a digit class
 * on MNIST) without labels.
 */
public final class InfoDiscriminator extends Discriminator {
    private final Discriminator inner;
    private final Net q;
    private final int components;

    public InfoDiscriminator(Discriminator inner, int components, boolean spectralNorm) {
        this.inner = child("inner", inner);
        this.components = components;
        Layers.Linear l = Layers.linear(inner.featureSize(), components);
        this.q = child("q", spectralNorm ? Layers.spectralNorm(l) : l);
    }

    /** Latent components Q tells apart. */
    public int components() {
        return components;
    }

    @Override
    public Tensor forward(Tensor x) {
        return inner.forward(x);
    }

    /** Real-vs-fake logits, and Q's component logits (N, components) as the class logits. */
    @Override
    public Output judge(Tensor x, Tensor y) {
        Tensor phi = inner.features(x);
        return new Output(inner.head(phi), q.forward(phi));
    }
}
