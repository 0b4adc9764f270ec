package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.config.Choices.Loss;

/**
 * A GAN objective as two functions of the discriminator's logits, in (-inf, inf), any shape
 * (a vector, or a PatchGAN map). The trainer knows only this interface.
 */
public interface GanLoss {
    /** D's loss: real logits first, then fake ones. */
    Tensor discriminator(Tensor real, Tensor fake);

    /** G's loss from D's logits on generated samples. */
    Tensor generator(Tensor fake);

    static GanLoss of(Loss loss) {
        return of(loss, 0);
    }

    /** The game; {@code labelSmoothing} applies to the two games on logits of a probability. */
    static GanLoss of(Loss loss, double labelSmoothing) {
        return switch (loss) {
            case MINIMAX -> of((r, f, red) -> MinimaxLoss.discriminator(r, f, labelSmoothing, red),
                    MinimaxLoss::generator);
            case NON_SATURATING -> of((r, f, red) -> NonSaturatingLoss.discriminator(r, f, labelSmoothing, red),
                    NonSaturatingLoss::generator);
            case LEAST_SQUARES -> of(LeastSquaresLoss::discriminator, LeastSquaresLoss::generator);
            case WASSERSTEIN -> of(WassersteinLoss::discriminator, WassersteinLoss::generator);
            case HINGE -> of(HingeLoss::discriminator, HingeLoss::generator);
        };
    }

    /** Whether D's outputs are logits of a probability (else unbounded critic scores). */
    static boolean logits(Loss loss) {
        return loss != Loss.WASSERSTEIN && loss != Loss.HINGE;
    }

    private static GanLoss of(DFunction d, GFunction g) {
        return new GanLoss() {
            public Tensor discriminator(Tensor real, Tensor fake) {
                return d.apply(real, fake, Reduction.MEAN);
            }

            public Tensor generator(Tensor fake) {
                return g.apply(fake, Reduction.MEAN);
            }
        };
    }

    interface DFunction {
        Tensor apply(Tensor real, Tensor fake, Reduction r);
    }

    interface GFunction {
        Tensor apply(Tensor fake, Reduction r);
    }
}
