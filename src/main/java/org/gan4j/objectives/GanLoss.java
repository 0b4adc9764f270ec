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
        return switch (loss) {
            case MINIMAX -> new GanLoss() {
                public Tensor discriminator(Tensor real, Tensor fake) {
                    return MinimaxLoss.discriminator(real, fake, Reduction.MEAN);
                }

                public Tensor generator(Tensor fake) {
                    return MinimaxLoss.generator(fake, Reduction.MEAN);
                }
            };
            case NON_SATURATING -> new GanLoss() {
                public Tensor discriminator(Tensor real, Tensor fake) {
                    return NonSaturatingLoss.discriminator(real, fake, Reduction.MEAN);
                }

                public Tensor generator(Tensor fake) {
                    return NonSaturatingLoss.generator(fake, Reduction.MEAN);
                }
            };
            case LEAST_SQUARES -> new GanLoss() {
                public Tensor discriminator(Tensor real, Tensor fake) {
                    return LeastSquaresLoss.discriminator(real, fake, Reduction.MEAN);
                }

                public Tensor generator(Tensor fake) {
                    return LeastSquaresLoss.generator(fake, Reduction.MEAN);
                }
            };
        };
    }
}
