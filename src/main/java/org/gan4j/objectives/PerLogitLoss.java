package org.gan4j.objectives;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.fast.SplitsBySample;

/** A game that is a mean over real logits plus a mean over fake ones (every built-in one). */
final class PerLogitLoss implements GanLoss, SplitsBySample {
    private final GanLoss.DFunction d;
    private final GanLoss.GFunction g;
    private final boolean probability;

    PerLogitLoss(GanLoss.DFunction d, GanLoss.GFunction g, boolean probability) {
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
