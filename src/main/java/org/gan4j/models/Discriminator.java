package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Net;

/** Maps samples (N, sampleShape...) to one real-vs-fake logit each, shape (N). */
public abstract class Discriminator extends Net {
    @Override
    public abstract Tensor forward(Tensor x);
}
