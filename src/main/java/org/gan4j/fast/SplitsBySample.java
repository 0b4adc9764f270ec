package org.gan4j.fast;

import org.bytedeco.pytorch.Tensor;

/**
 * A capability of an adversarial loss that is a sum of one term per logit (every built-in game:
 * a mean over the real logits plus a mean over the fake ones): parts of a batch then have shares
 * of the loss, and passes over the parts may run side by side.
 */
public interface SplitsBySample {
    /**
     * The share of D's loss that {@code part}, some of the real ({@code real}) or fake logits,
     * carries, where that side has {@code total} logits in all; the shares of a batch add up to
     * the loss.
     */
    Tensor discriminatorShare(Tensor part, boolean real, long total);

    /** The same for G's loss, of fake logits only. */
    Tensor generatorShare(Tensor part, long total);
}
