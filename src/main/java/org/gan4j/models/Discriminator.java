package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Net;

/**
 * Maps samples (N, sampleShape...) to one real-vs-fake logit each, shape (N). Architectures
 * that can carry a class-conditional head expose their penultimate features and last layer.
 */
public abstract class Discriminator extends Net {
    @Override
    public abstract Tensor forward(Tensor x);

    /** What D says of a batch: logits (N), and class logits (N, classes) for ACGAN, else null. */
    public record Output(Tensor logits, Tensor classLogits) {
    }

    /** Judges x whose class labels are y (N, long); an unconditional D ignores y. */
    public Output judge(Tensor x, Tensor y) {
        return new Output(forward(x), null);
    }

    /** Classes D is conditioned on; 0 for an unconditional D. */
    public int classes() {
        return 0;
    }

    /** Penultimate features (N, featureSize()). */
    public Tensor features(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no feature/head split");
    }

    /** Width of {@link #features}. */
    public long featureSize() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no feature/head split");
    }

    /** The last layer: features to logits (N). */
    public Tensor head(Tensor features) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no feature/head split");
    }
}
