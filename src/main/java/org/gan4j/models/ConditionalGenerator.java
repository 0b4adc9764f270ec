package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;

/**
 * Class-conditional G (Mirza & Osindero 2014, arXiv:1411.1784): a learned embedding of the
 * label is concatenated to z, and the unconditional architecture takes (z, embedding).
 */
public final class ConditionalGenerator extends Generator {
    /** Embedding width; N(0, 1) init puts it on the same scale as z. */
    static final int EMBED = 50;

    private final Generator inner;
    private final Layers.Embedding embed;
    private final int classes;

    /** {@code inner} must take z of width zDim + {@value #EMBED}. */
    public ConditionalGenerator(int zDim, int classes, Generator inner) {
        super(zDim, inner.sampleShape());
        if (inner.zDim() != zDim + EMBED) {
            throw new IllegalArgumentException("inner generator takes " + inner.zDim() + ", not " + (zDim + EMBED));
        }
        this.inner = child("inner", inner);
        this.embed = child("embed", Layers.embedding(classes, EMBED));
        this.classes = classes;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public Tensor forward(Tensor z) {
        return forward(z, ConditionalDiscriminator.balancedLabels(z.size(0), classes, z));
    }

    @Override
    public Tensor forward(Tensor z, Tensor y) {
        return inner.forward(torch.cat(new TensorVector(z, embed.forward(y)), 1));
    }
}
