package org.gan4j.models;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.Choices.Conditioning;
import org.gan4j.fast.SampleWise;
import org.gan4j.nn.Init;
import org.gan4j.nn.Layers;

/**
 * Class-conditional D over an unconditional architecture's features phi(x):
 * projection (Miyato and Koyama 2018, arXiv:1802.05637): logit = head(phi) + embed(y) . phi;
 * ACGAN (Odena et al. 2017, arXiv:1610.09585): logit = head(phi), and class logits aux(phi)
 * trained with cross-entropy for real and fake samples.
 */
public final class ConditionalDiscriminator extends Discriminator implements SampleWise {
    private final Discriminator inner;
    private final Conditioning kind;
    private final int classes;
    private final Layers.Embedding embed;
    private final Layers.Linear aux;

    public ConditionalDiscriminator(Discriminator inner, int classes, Conditioning kind, boolean spectralNorm) {
        this.inner = child("inner", inner);
        this.kind = kind;
        this.classes = classes;
        long f = inner.featureSize();
        if (kind == Conditioning.PROJECTION) {
            embed = child("embed", Layers.embedding(classes, f));
            // small, like the layers around it: N(0, 1) over thousands of features swamps head(phi)
            Init.normal(embed.weight, 0, 0.02);
            aux = null;
        } else if (kind == Conditioning.ACGAN) {
            Layers.Linear l = Layers.linear(f, classes);
            aux = child("aux", spectralNorm ? Layers.spectralNorm(l) : l);
            embed = null;
        } else {
            throw new IllegalArgumentException("conditioning " + kind);
        }
    }

    @Override
    public int classes() {
        return classes;
    }

    /** A projection adds a per-sample term of the sample's own label; ACGAN's class logits take a loss of their own. */
    @Override
    public boolean samplesIndependent() {
        return kind == Conditioning.PROJECTION && inner instanceof SampleWise s && s.samplesIndependent();
    }

    /** Judges x as spread evenly over the classes (sample i of class i mod classes). */
    @Override
    public Tensor forward(Tensor x) {
        return judge(x, balancedLabels(x.size(0), classes, x)).logits();
    }

    @Override
    public Output judge(Tensor x, Tensor y) {
        Tensor phi = inner.features(x);
        Tensor logits = inner.head(phi);
        if (kind == Conditioning.PROJECTION) {
            return new Output(logits.add(embed.forward(y).mul(phi).sum(new long[] {1}, false, null)), null);
        }
        return new Output(logits, aux.forward(phi));
    }

    /** Labels 0, 1, ..., classes - 1, 0, 1, ... (N, long) on the device of {@code like}. */
    static Tensor balancedLabels(long n, int classes, Tensor like) {
        Tensor y = torch.arange(new Scalar(n)).remainder(new Scalar(classes)).toType(torch.ScalarType.Long);
        return org.gan4j.nn.Devices.onDevice(y, like.device());
    }
}
