package org.gan4j.objectives;

import static org.bytedeco.pytorch.global.torch.softplus;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The original, saturating GAN game (Goodfellow et al. 2014, arXiv:1406.2661), with TF-GAN's
 * normalisation (tensorflow_gan losses_impl.py). TF-GAN smooths D's real labels by 0.25 by
 * default; gan4j's configs default to 0 (the paper's game) and set it in
 * {@code objective.label_smoothing}.
 */
public final class MinimaxLoss {
    private MinimaxLoss() {
    }

    /**
     * L_D = E[softplus(-D(x))] + E[softplus(D(G(z)))], i.e. -E[log D(x)] - E[log(1 - D(G(z)))]
     * with D = sigmoid(logit); softplus keeps it finite for any logit.
     */
    public static Tensor discriminator(Tensor real, Tensor fake, Reduction reduction) {
        return reduction.apply(softplus(real.neg())).add(reduction.apply(softplus(fake)));
    }

    /**
     * As above with one-sided label smoothing s (Salimans et al. 2016): real samples carry the
     * label 1 - s/2 (TF-GAN's sigmoid cross-entropy convention), fakes keep 0.
     */
    public static Tensor discriminator(Tensor real, Tensor fake, double labelSmoothing, Reduction reduction) {
        if (labelSmoothing == 0) {
            return discriminator(real, fake, reduction);
        }
        double y = 1 - labelSmoothing / 2;
        Tensor realTerm = softplus(real.neg()).mul(new Scalar(y)).add(softplus(real).mul(new Scalar(1 - y)));
        return reduction.apply(realTerm).add(reduction.apply(softplus(fake)));
    }

    /**
     * L_G = -L_D evaluated at real logits of 1, exactly as TF-GAN defines it: E[log(1 - D(G(z)))]
     * minus the constant softplus(-1) = 0.3133. The constant moves no gradient; it keeps the
     * reported value equal to TF-GAN's.
     */
    public static Tensor generator(Tensor fake, Reduction reduction) {
        return reduction.apply(softplus(fake)).add(new Scalar(SOFTPLUS_MINUS_ONE * scale(fake, reduction))).neg();
    }

    private static final double SOFTPLUS_MINUS_ONE = Math.log1p(Math.exp(-1));

    private static double scale(Tensor t, Reduction reduction) {
        return reduction == Reduction.MEAN ? 1.0 : t.numel();
    }
}
