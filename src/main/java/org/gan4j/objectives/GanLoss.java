package org.gan4j.objectives;

import org.bytedeco.pytorch.Scalar;
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

    /**
     * The share of {@link #discriminator} that {@code part}, some of the real ({@code real}) or
     * fake logits, carries, where that side has {@code total} logits in all: a part's
     * gradient is then its share of the whole loss's, and the shares of one batch add up to the
     * loss. Only where {@link #splitsBySample}.
     */
    default Tensor discriminatorShare(Tensor part, boolean real, long total) {
        throw new UnsupportedOperationException("this loss does not split by sample");
    }

    /** {@link #discriminatorShare} for {@link #generator}. */
    default Tensor generatorShare(Tensor part, long total) {
        throw new UnsupportedOperationException("this loss does not split by sample");
    }

    /** Whether both losses are sums of one term per logit (so parts of a batch have shares). */
    default boolean splitsBySample() {
        return false;
    }

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
            @Override
            public Tensor discriminator(Tensor real, Tensor fake) {
                return d.apply(real, fake, Reduction.MEAN);
            }

            @Override
            public Tensor generator(Tensor fake) {
                return g.apply(fake, Reduction.MEAN);
            }

            // every game here is a mean over real logits plus a mean over fake ones
            @Override
            public boolean splitsBySample() {
                return true;
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
        };
    }

    interface DFunction {
        Tensor apply(Tensor real, Tensor fake, Reduction r);
    }

    interface GFunction {
        Tensor apply(Tensor fake, Reduction r);
    }
}
