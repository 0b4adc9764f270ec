package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;

/**
 * Class-conditional G (Mirza and Osindero 2014, arXiv:1411.1784): a learned embedding of the
 * label, small at first, is concatenated to z, and the unconditional architecture takes
 * (z, embedding).
 */
public final class ConditionalGenerator extends Generator {
    static final int EMBED = 50;
    /**
     * Init scale of the embedding. At N(0, 1), the scale of z, the label path learned class
     * templates within ~100 steps and G's batch norm then scaled z's share of the dense layer's
     * output down until G made one image per class (MNIST, std of G's output over z within a
     * class at step 150: 0.039, against 0.28 over all classes); started at 0.1, z keeps its say
     * (0.20 against 0.26) and G still learns the classes.
     */
    static final double EMBED_INIT_STD = 0.1;

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
        org.gan4j.nn.Init.normal(embed.weight, 0, EMBED_INIT_STD);
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
