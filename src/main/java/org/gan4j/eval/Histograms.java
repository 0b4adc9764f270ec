package org.gan4j.eval;

/** Counts over classes or modes: how many are non-empty, and how far from uniform. */
final class Histograms {
    private Histograms() {
    }

    static int covered(int[] hist) {
        int c = 0;
        for (int h : hist) {
            c += h > 0 ? 1 : 0;
        }
        return c;
    }

    /** KL(hist / sum || uniform over hist.length), in nats; 0 for an empty histogram. */
    static double klToUniform(int[] hist) {
        long total = 0;
        for (int h : hist) {
            total += h;
        }
        double kl = 0;
        for (int h : hist) {
            if (h > 0) {
                double p = h / (double) total;
                kl += p * Math.log(p * hist.length);
            }
        }
        return kl;
    }
}
