package org.gan4j.models;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * An unconditional generator made of a class-conditional one and a prior over its classes
 * (the clusters of {@code data.clusters}): the first noise coordinate picks a class through the
 * normal CDF and the prior's cumulative shares, then is mapped back to N(0, 1) within that
 * class's slice, so z stays N(0, I) and independent of the class. Samples follow the training
 * data's cluster shares, as a user of an unconditional G expects; the shares are a buffer and
 * travel with checkpoints.
 */
public final class ClusterPrior extends Generator {
    private static final double EDGE = 1e-6;

    private final Generator inner;
    private final Tensor shares;
    private final int clusters;

    /** {@code inner} is conditioned on {@code inner.classes()} clusters, equally likely until {@link #setShares}. */
    public ClusterPrior(Generator inner) {
        super(inner.zDim(), inner.sampleShape());
        if (inner.classes() < 2) {
            throw new IllegalArgumentException("a cluster prior needs a generator of >= 2 classes, got " + inner.classes());
        }
        this.inner = child("inner", inner);
        this.clusters = inner.classes();
        this.shares = buffer("shares", torch.full(new long[] {clusters}, new Scalar(1.0 / clusters)));
    }

    /** Sets the prior to the training data's cluster shares (they must sum to 1). */
    public void setShares(double[] s) {
        if (s.length != clusters) {
            throw new IllegalArgumentException(s.length + " shares for " + clusters + " clusters");
        }
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("cluster shares sum to " + sum + ", not 1");
        }
        try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
            shares.copy_(org.gan4j.nn.Tensors.fromDoubles(s, clusters).toType(shares.scalar_type()));
        }
    }

    /** Number of clusters (what {@code --class K} picks from). */
    public int clusters() {
        return clusters;
    }

    /** Unconditional from outside: the prior picks the cluster. */
    @Override
    public int classes() {
        return 0;
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor w = shares.toType(torch.ScalarType.Double);
        Tensor cdf = w.cumsum(0);
        Tensor u = z.narrow(1, 0, 1).toType(torch.ScalarType.Double).div(new Scalar(Math.sqrt(2))).erf()
                .add(new Scalar(1)).mul(new Scalar(0.5));
        // the cluster: how many cumulative shares lie at or below u
        Tensor c = u.ge(cdf.unsqueeze(0)).sum(new long[] {1}, false, null)
                .clamp(new ScalarOptional(new Scalar(0)), new ScalarOptional(new Scalar(clusters - 1)))
                .toType(torch.ScalarType.Long);
        Tensor width = w.index_select(0, c).unsqueeze(1);
        Tensor low = cdf.index_select(0, c).unsqueeze(1).sub(width);
        Tensor within = u.sub(low).div(width).clamp(new ScalarOptional(new Scalar(EDGE)), new ScalarOptional(new Scalar(1 - EDGE)));
        Tensor z0 = within.mul(new Scalar(2)).sub(new Scalar(1)).erfinv().mul(new Scalar(Math.sqrt(2))).toType(z.scalar_type());
        return inner.forward(torch.cat(new TensorVector(z0, z.narrow(1, 1, zDim() - 1)), 1), c);
    }

    /** Samples of the given clusters y (N, long). */
    @Override
    public Tensor forward(Tensor z, Tensor y) {
        return y == null ? forward(z) : inner.forward(z, y);
    }
}
