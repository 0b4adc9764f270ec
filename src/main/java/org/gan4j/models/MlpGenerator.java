package org.gan4j.models;

import org.bytedeco.pytorch.Tensor;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Sequential;

/**
 * Fully connected generator (Goodfellow et al. 2014, arXiv:1406.2661):
 * z -> width -> 2 width -> prod(shape), LeakyReLU(0.2) between layers. With {@code tanhOut}
 * the output lies in [-1, 1] like the scaled images; 2-D toys leave it linear.
 */
public final class MlpGenerator extends Generator {
    private final Sequential net;
    private final boolean tanhOut;

    public MlpGenerator(int zDim, int width, boolean tanhOut, long... sampleShape) {
        this(zDim, new long[] {width, 2L * width}, () -> Layers.leakyRelu(0.2), tanhOut, sampleShape);
    }

    /** Any stack of hidden sizes and activation. */
    public MlpGenerator(int zDim, long[] hidden, java.util.function.Supplier<org.gan4j.nn.Net> act, boolean tanhOut,
                        long... sampleShape) {
        this(zDim, hidden, act, false, tanhOut, sampleShape);
    }

    /** As above, with batch normalisation before each activation when {@code batchNorm}. */
    public MlpGenerator(int zDim, long[] hidden, java.util.function.Supplier<org.gan4j.nn.Net> act, boolean batchNorm,
                        boolean tanhOut, long... sampleShape) {
        super(zDim, sampleShape);
        long out = 1;
        for (long d : sampleShape) {
            out *= d;
        }
        this.tanhOut = tanhOut;
        net = child("net", batchNorm ? Mlp.stackBn(zDim, hidden, out, act) : Mlp.stack(zDim, hidden, out, act));
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor y = net.forward(z);
        if (tanhOut) {
            y = y.tanh();
        }
        long[] shape = sampleShape();
        long[] full = new long[shape.length + 1];
        full[0] = -1;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return y.view(full);
    }
}
