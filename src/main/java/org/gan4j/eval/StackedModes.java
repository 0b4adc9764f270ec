package org.gan4j.eval;

import org.gan4j.data.StackedMnist;

/**
 * Modes of Stacked MNIST images (Metz et al. 2017 / Srivastava et al. 2017 / Lin et al. 2018
 * protocol): each channel is read by an MNIST classifier, the digit triple is the mode; reports
 * modes covered out of 1,000 and KL(mode histogram || uniform).
 */
public record StackedModes(int n, int modesCovered, double klToUniform, int[] histogram) {

    /** Scores n images (n, 3, 28, 28) in [-1, 1]. */
    public static StackedModes of(Classifier c, float[] images, int n) {
        // (n, 3, 28, 28) is (3n, 1, 28, 28) in the same order: channel k of image i is row 3i + k
        int[] digits = c.predict(images, 3 * n);
        int[] hist = new int[StackedMnist.MODES];
        for (int i = 0; i < n; i++) {
            hist[100 * digits[3 * i] + 10 * digits[3 * i + 1] + digits[3 * i + 2]]++;
        }
        return new StackedModes(n, Histograms.covered(hist), Histograms.klToUniform(hist), hist);
    }
}
