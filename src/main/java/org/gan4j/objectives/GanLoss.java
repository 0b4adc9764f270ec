package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.config.Choices.Loss;

/**
 * The adversarial part of an objective: two functions of the discriminator's outputs on real and
 * on generated samples, logits in (-inf, inf) of any shape (a vector, or a PatchGAN map). Both
 * sides see both, so losses that couple them (relativistic GANs) fit. The trainer knows only
 * this interface.
 *
 * <pre>{@code
 * GanLoss hinge = GanLoss.of(Choices.Loss.HINGE);
 * Tensor lossD = hinge.discriminator(dReal, dFake);
 * }</pre>
 */
public interface GanLoss {
    /** D's loss: real logits first, then fake ones. */
    Tensor discriminator(Tensor real, Tensor fake);

    /**
     * G's loss from D's logits on generated samples; {@code real} holds D's logits on the real
     * batch where {@link #generatorReadsReal} (computed without gradients), else null.
     */
    Tensor generator(Tensor real, Tensor fake);

    /** Whether {@link #generator} reads D's outputs on real samples. */
    default boolean generatorReadsReal() {
        return false;
    }

    /** Whether D's outputs are logits of a probability (else unbounded critic scores), for reports. */
    default boolean logitsOfProbability() {
        return true;
    }

    static GanLoss of(Loss loss) {
        return of(loss, 0);
    }

    /** The game; {@code labelSmoothing} applies to the two games on logits of a probability. */
    static GanLoss of(Loss loss, double labelSmoothing) {
        return switch (loss) {
            case MINIMAX -> new PerLogitLoss((r, f, red) -> MinimaxLoss.discriminator(r, f, labelSmoothing, red),
                    MinimaxLoss::generator, true);
            case NON_SATURATING -> new PerLogitLoss((r, f, red) -> NonSaturatingLoss.discriminator(r, f, labelSmoothing, red),
                    NonSaturatingLoss::generator, true);
            case LEAST_SQUARES -> new PerLogitLoss(LeastSquaresLoss::discriminator, LeastSquaresLoss::generator, true);
            case WASSERSTEIN -> new PerLogitLoss(WassersteinLoss::discriminator, WassersteinLoss::generator, false);
            case HINGE -> new PerLogitLoss(HingeLoss::discriminator, HingeLoss::generator, false);
        };
    }

    interface DFunction {
        Tensor apply(Tensor real, Tensor fake, Reduction r);
    }

    interface GFunction {
        Tensor apply(Tensor fake, Reduction r);
    }
}
