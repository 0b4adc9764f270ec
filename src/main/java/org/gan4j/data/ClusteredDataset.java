package org.gan4j.data;

import java.util.Arrays;
import org.gan4j.nn.Seeds;

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

    /**
     * {@code base}'s images (C, H, W) labelled by k-means on each channel apart, {@code k}
     * clusters each: a label is the tuple of its channels' clusters, the first channel's the most
     * significant digit, so there are k^C labels. Where the channels are drawn independently (the
     * three digits of Stacked MNIST), the tuple's shares are close to the product of the channels'.
     */
    public static ClusteredDataset ofChannels(Dataset base, int k, long seed) {
        long[] shape = base.sampleShape();
        if (shape.length != 3) {
            throw new IllegalArgumentException(base.name() + ": clusters per channel need images (C, H, W), got "
                    + Arrays.toString(shape));
        }
        int channels = (int) shape[0];
        int[] tuple = new int[base.size()];
        int labels = 1;
        for (int c = 0; c < channels; c++) {
            int[] a = KMeans.assign(new Channel(base, c), k, Seeds.mix(seed, c));
            for (int i = 0; i < tuple.length; i++) {
                tuple[i] = tuple[i] * k + a[i];
            }
            labels = Math.multiplyExact(labels, k);
        }
        return new ClusteredDataset(base, tuple, labels);
    }

    /** One channel of an image dataset, as images (1, H, W). */
    private record Channel(Dataset base, int channel) implements Dataset {
        @Override
        public String name() {
            return base.name() + " channel " + channel;
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public long[] sampleShape() {
            long[] s = base.sampleShape();
            return new long[] {1, s[1], s[2]};
        }

        @Override
        public void sample(int i, float[] dst, int offset) {
            float[] all = new float[base.sampleSize()];
            base.sample(i, all, 0);
            int plane = sampleSize();
            System.arraycopy(all, channel * plane, dst, offset, plane);
        }
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
