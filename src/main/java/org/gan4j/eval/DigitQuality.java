package org.gan4j.eval;

/**
 * How many generated images a classifier reads confidently, and how evenly over classes:
 * the quality check of the foundation issue (confident share at p >= 0.9, classes covered,
 * KL(class histogram || uniform)).
 */
public record DigitQuality(int n, double confidentShare, int classesCovered, int[] histogram,
                           double klToUniform) {

    public static DigitQuality of(float[] probs, int n, int classes, double threshold) {
        int[] hist = new int[classes];
        int confident = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (probs[i * classes + k] > probs[i * classes + best]) {
                    best = k;
                }
            }
            if (probs[i * classes + best] >= threshold) {
                confident++;
                hist[best]++;
            }
        }
        int covered = Histograms.covered(hist);
        double kl = Histograms.klToUniform(hist);
        return new DigitQuality(n, confident / (double) n, covered, hist, kl);
    }
}
