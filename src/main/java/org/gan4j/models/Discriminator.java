package org.gan4j.models;

import java.util.function.UnaryOperator;
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

    /**
     * D's logits on samples whose input gradient is wanted and nothing further (the G step),
     * with the graph cut after D's first layer: {@code leaf} is that layer's output, where the
     * logits' gradient collects, and {@code inputGradient} takes it on to D's input outside
     * autograd (see {@link #judgeCut}).
     */
    public record Cut(Tensor logits, Tensor leaf, UnaryOperator<Tensor> inputGradient) {
    }

    /**
     * {@link #judge} of {@code x} (which needs no gradient itself) as a {@link Cut}, where the
     * model's first layer has a faster input gradient than autograd's; null where not (the
     * default), and then the caller differentiates {@link #judge} as usual.
     */
    public Cut judgeCut(Tensor x) {
        return null;
    }

    /** Judges x whose class labels are y (N, long); an unconditional D ignores y. */
    public Output judge(Tensor x, Tensor y) {
        return new Output(forward(x), null);
    }

    /**
     * True where each sample's output depends on that sample alone and a forward pass changes
     * no state (no batch statistics, no minibatch std-dev, no spectral norm's power iteration):
     * a batch may then be judged in parts. False unless a model says so.
     */
    public boolean samplesIndependent() {
        return false;
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
