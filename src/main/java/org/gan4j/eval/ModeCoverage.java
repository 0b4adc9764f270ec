package org.gan4j.eval;

/**
 * Mode coverage of 2-D samples from a Gaussian mixture, by the PacGAN protocol (Lin et al.
 * 2018, arXiv:1712.04086, after Srivastava et al. 2017): each sample goes to its nearest mean
 * and is high quality if within 3 standard deviations of it; a mode is covered if it has at
 * least one high-quality sample; reverse KL is KL(histogram of all samples over their nearest
 * modes || uniform), so it is defined even when no sample is of high quality.
 */
public record ModeCoverage(int samples, int modes, int modesCovered, double highQualityShare,
                           double reverseKl, int[] histogram) {

    public static ModeCoverage of(float[] xy, double[][] means, double std) {
        int n = xy.length / 2;
        int[] hist = new int[means.length];
        int[] hqHist = new int[means.length];
        int hq = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < means.length; k++) {
                double dx = xy[2 * i] - means[k][0];
                double dy = xy[2 * i + 1] - means[k][1];
                double d = dx * dx + dy * dy;
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            hist[best]++;
            if (Math.sqrt(bestD) / std < 3) {
                hq++;
                hqHist[best]++;
            }
        }
        int covered = Histograms.covered(hqHist);
        double kl = Histograms.klToUniform(hist);
        return new ModeCoverage(n, means.length, covered, hq / (double) n, kl, hist);
    }
}
