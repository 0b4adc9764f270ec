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
        double[] uniform = new double[hist.length];
        java.util.Arrays.fill(uniform, 1.0 / hist.length);
        return kl(hist, uniform);
    }

    /** KL(hist / sum || target), in nats; 0 for an empty histogram. */
    static double kl(int[] hist, double[] target) {
        long total = 0;
        for (int h : hist) {
            total += h;
        }
        double kl = 0;
        for (int k = 0; k < hist.length; k++) {
            if (hist[k] > 0) {
                double q = hist[k] / (double) total;
                kl += q * Math.log(q / target[k]);
            }
        }
        return kl;
    }
}
