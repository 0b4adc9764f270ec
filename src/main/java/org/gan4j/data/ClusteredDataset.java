package org.gan4j.data;

/**
 * A dataset whose labels are k-means clusters of its images instead of its own classes: the
 * pseudo-labels on which a class-conditional GAN learns an unconditional distribution
 * (cluster-conditioned GANs, as in Liu et al. 2020, arXiv:2006.10728, with fixed clusters).
 * The original labels stay reachable through {@link #base()}, for scoring only.
 */
public final class ClusteredDataset implements Dataset {
    private final Dataset base;
    private final int[] cluster;
    private final int k;

    private ClusteredDataset(Dataset base, int[] cluster, int k) {
        this.base = base;
        this.cluster = cluster;
        this.k = k;
    }

    /** {@code base} labelled by k-means with {@code k} clusters seeded by {@code seed}. */
    public static ClusteredDataset of(Dataset base, int k, long seed) {
        return new ClusteredDataset(base, KMeans.assign(base, k, seed), k);
    }

    /** The dataset with its own labels. */
    public Dataset base() {
        return base;
    }

    /** Share of the samples in each cluster: the prior a generator draws clusters from. */
    public double[] shares() {
        return KMeans.shares(cluster, k);
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public long[] sampleShape() {
        return base.sampleShape();
    }

    @Override
    public void sample(int i, float[] dst, int offset) {
        base.sample(i, dst, offset);
    }

    @Override
    public int classes() {
        return k;
    }

    @Override
    public int label(int i) {
        return cluster[i];
    }
}
