package org.gan4j.objectives;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.config.Choices.Loss;
import org.gan4j.fast.SplitsBySample;

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
            case MINIMAX -> new PerLogit((r, f, red) -> MinimaxLoss.discriminator(r, f, labelSmoothing, red),
                    MinimaxLoss::generator, true);
            case NON_SATURATING -> new PerLogit((r, f, red) -> NonSaturatingLoss.discriminator(r, f, labelSmoothing, red),
                    NonSaturatingLoss::generator, true);
            case LEAST_SQUARES -> new PerLogit(LeastSquaresLoss::discriminator, LeastSquaresLoss::generator, true);
            case WASSERSTEIN -> new PerLogit(WassersteinLoss::discriminator, WassersteinLoss::generator, false);
            case HINGE -> new PerLogit(HingeLoss::discriminator, HingeLoss::generator, false);
        };
    }

    /** Whether D's outputs are logits of a probability (else unbounded critic scores). */
    static boolean logits(Loss loss) {
        return loss != Loss.WASSERSTEIN && loss != Loss.HINGE;
    }

    /** A game that is a mean over real logits plus a mean over fake ones (every built-in one). */
    final class PerLogit implements GanLoss, SplitsBySample {
        private final DFunction d;
        private final GFunction g;
        private final boolean probability;

        PerLogit(DFunction d, GFunction g, boolean probability) {
            this.d = d;
            this.g = g;
            this.probability = probability;
        }

        @Override
        public Tensor discriminator(Tensor real, Tensor fake) {
            return d.apply(real, fake, Reduction.MEAN);
        }

        @Override
        public Tensor generator(Tensor real, Tensor fake) {
            return g.apply(fake, Reduction.MEAN);
        }

        @Override
        public boolean logitsOfProbability() {
            return probability;
        }

        @Override
        public Tensor discriminatorShare(Tensor part, boolean real, long total) {
            Tensor none = part.new_empty(new long[] {0});
            Tensor sum = real ? d.apply(part, none, Reduction.SUM) : d.apply(none, part, Reduction.SUM);
            return sum.div(new Scalar((double) total));
        }

        @Override
        public Tensor generatorShare(Tensor part, long total) {
            return g.apply(part, Reduction.SUM).div(new Scalar((double) total));
        }
    }

    interface DFunction {
        Tensor apply(Tensor real, Tensor fake, Reduction r);
    }

    interface GFunction {
        Tensor apply(Tensor fake, Reduction r);
    }
}
