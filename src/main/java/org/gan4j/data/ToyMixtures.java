package org.gan4j.data;

import java.util.Random;

/**
 * The 2-D Gaussian mixtures used to study mode collapse, with the PacGAN protocol
 * (Lin et al. 2018, arXiv:1712.04086): ring = 8 Gaussians on the unit circle, std 0.01;
 * grid = 25 Gaussians at {-4,-2,0,2,4}^2, std 0.05. Labels are the mode indices.
 */
public final class ToyMixtures {
    public static final double RING_STD = 0.01;
    public static final double GRID_STD = 0.05;

    private ToyMixtures() {
    }

    /** The 8 ring means, at angles 2 pi k / 8. */
    public static double[][] ringMeans() {
        double[][] m = new double[8][];
        for (int k = 0; k < 8; k++) {
            double a = 2 * Math.PI * k / 8;
            m[k] = new double[] {Math.cos(a), Math.sin(a)};
        }
        return m;
    }

    /** The 25 grid means, row-major over {-4,-2,0,2,4}^2. */
    public static double[][] gridMeans() {
        double[][] m = new double[25][];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                m[i * 5 + j] = new double[] {-4 + 2 * i, -4 + 2 * j};
            }
        }
        return m;
    }

    public static ArrayDataset ring8(int n, long seed) {
        return sample("ring8", ringMeans(), RING_STD, n, seed);
    }

    public static ArrayDataset grid25(int n, long seed) {
        return sample("grid25", gridMeans(), GRID_STD, n, seed);
    }

    /** n points, modes chosen uniformly, from one seed. */
    static ArrayDataset sample(String name, double[][] means, double std, int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(means.length);
            labels[i] = k;
            v[2 * i] = (float) (means[k][0] + std * r.nextGaussian());
            v[2 * i + 1] = (float) (means[k][1] + std * r.nextGaussian());
        }
        return new ArrayDataset(name, v, new long[] {2}, labels, means.length);
    }
}
