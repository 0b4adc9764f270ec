package org.gan4j.fast;

/**
 * A capability of a discriminator: whether each sample's output depends on that sample alone and
 * a forward pass changes no state (no batch statistics, no minibatch std-dev, no spectral norm's
 * power iteration). A batch may then be judged in parts, side by side.
 */
public interface SampleWise {
    boolean samplesIndependent();
}
