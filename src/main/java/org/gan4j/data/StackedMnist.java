package org.gan4j.data;

import java.util.Random;
import org.gan4j.nn.Seeds;

/**
 * Stacked MNIST (Metz et al. 2017; Srivastava et al. 2017): three MNIST digits drawn at random
 * become the red, green and blue channels of one 28x28 image, so the data has 1,000 modes
 * (digit triples). Labels are the mode, 100 * red + 10 * green + blue.
 */
public final class StackedMnist {
    public static final int MODES = 1000;

    private StackedMnist() {
    }

    /** {@code count} stacked images from labelled MNIST digits, drawn with {@code seed}. */
    public static ArrayDataset build(ArrayDataset mnist, int count, long seed) {
        if (mnist.labels() == null) {
            throw new DataException(mnist.name() + ": Stacked MNIST needs the digit labels (train-labels-idx1-ubyte)");
        }
        int px = mnist.sampleSize();
        float[] values = new float[count * 3 * px];
        int[] labels = new int[count];
        Random r = new Random(Seeds.mix(seed, 1000));
        for (int i = 0; i < count; i++) {
            int mode = 0;
            for (int c = 0; c < 3; c++) {
                int src = r.nextInt(mnist.size());
                System.arraycopy(mnist.values(), src * px, values, (i * 3 + c) * px, px);
                mode = mode * 10 + mnist.labels()[src];
            }
            labels[i] = mode;
        }
        return new ArrayDataset("stacked-mnist", values, new long[] {3, 28, 28}, labels, MODES);
    }
}
