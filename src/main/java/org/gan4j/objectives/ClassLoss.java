package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** ACGAN's auxiliary term (Odena et al. 2017): cross-entropy of class logits against labels. */
public final class ClassLoss {
    private ClassLoss() {
    }

    /** Mean over the batch of -log softmax(logits)[y]; logits (N, classes), y (N, long). */
    public static Tensor crossEntropy(Tensor logits, Tensor y) {
        return torch.nll_loss(torch.log_softmax(logits, 1), y);
    }
}
