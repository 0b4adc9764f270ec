package org.gan4j.eval;

import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Sample-quality metrics on feature matrices (N, D), computed in float64. Each takes real
 * features first, generated ones second. Distances are taken in row blocks so that 10,000 x
 * 10,000 comparisons never hold more than a block in memory.
 */
public final class Metrics {
    /**
     * Doubles per distance block (16 MB). glibc serves blocks under its 32 MB mmap ceiling from
     * reused heap pages; bigger ones are fresh mappings that fault in page by page, which made a
     * 1024 x 9000 block's distances 4.5x slower (seen here).
     */
    private static final long BLOCK_ELEMENTS = 1L << 21;

    private Metrics() {
    }

    /** Mean +- standard deviation over subsets or splits. */
    public record MeanStd(double mean, double std) {
    }

    /** Improved precision and recall (Kynkaanniemi et al. 2019). */
    public record PrecisionRecall(double precision, double recall) {
    }

    /** Density and coverage (Naeem et al. 2020). */
    public record DensityCoverage(double density, double coverage) {
    }

    /**
     * Frechet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, FID):
     * |mu1 - mu2|^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2). The trace of the root is the sum
     * of the singular values of C2^1/2 C1^1/2 (each root by symmetric eigendecomposition,
     * negative round-off clamped to 0): no complex part can appear, and dead features (zero
     * variance, common in ReLU nets) cost no digits, where the square roots of the round-off
     * eigenvalues of C1^1/2 C2 C1^1/2 would (1e-6 relative on a FID of 2.7, seen here).
     */
    public static double fid(Tensor real, Tensor fake) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = f64(real);
            Tensor y = f64(fake);
            return frechet(x.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()), cov(x), y.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()), cov(y));
        }
    }

    /** The Frechet distance of N(mu1, c1) and N(mu2, c2), float64 inputs. */
    public static double frechet(Tensor mu1, Tensor c1, Tensor mu2, Tensor c2) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            double trSqrt = torch.linalg_svdvals(sqrtPsd(c2).mm(sqrtPsd(c1))).sum().item_double();
            double dMu = mu1.sub(mu2).square().sum().item_double();
            return dMu + c1.trace().item_double() + c2.trace().item_double() - 2 * trSqrt;
        }
    }

    /**
     * Kernel inception distance (Binkowski et al. 2018): the unbiased estimate of MMD^2 with the
     * cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, over {@code subsets} random subsets of
     * {@code size} samples of each set (seeded), as mean +- std.
     */
    public static MeanStd kid(Tensor real, Tensor fake, int subsets, int size, long seed) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return kid(f64(real), null, fake, subsets, size, seed);
        }
    }

    /** KID against a prepared reference, whose kernel sums over its own subsets are kept for reuse. */
    public static MeanStd kid(Reference ref, Tensor fake, int subsets, int size, long seed) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return kid(ref.x, ref, fake, subsets, size, seed);
        }
    }

    private static MeanStd kid(Tensor x, Reference ref, Tensor fake, int subsets, int size, long seed) {
        Tensor y = f64(fake);
        int m = (int) Math.min(size, Math.min(x.size(0), y.size(0)));
        double d = x.size(1);
        double[] sxx = ref != null ? ref.kidSums(subsets, m, seed) : subsetSums(x, subsets, m, seed);
        double[] syy = subsetSums(y, subsets, m, seed ^ FAKE_STREAM);
        // the real subsets again (same seed, same draws) for the cross terms
        Random rx = new Random(seed);
        Random ry = new Random(seed ^ FAKE_STREAM);
        double[] v = new double[subsets];
        for (int s = 0; s < subsets; s++) {
            try (PointerScope inner = new PointerScope()) {
                Tensor a = x.index_select(0, sample(rx, (int) x.size(0), m));
                Tensor b = y.index_select(0, sample(ry, (int) y.size(0), m));
                v[s] = (sxx[s] + syy[s]) / ((double) m * (m - 1)) - 2 * polySum(a, b, d) / ((double) m * m);
            }
        }
        return meanStd(v);
    }

    /** Fake subsets are drawn from their own stream, so that the real ones do not depend on them. */
    private static final long FAKE_STREAM = 0x5DEECE66DL;

    /** Off-diagonal kernel sums of {@code subsets} seeded subsets of m rows of x. */
    static double[] subsetSums(Tensor x, int subsets, int m, long seed) {
        Random r = new Random(seed);
        double[] out = new double[subsets];
        double whole = Double.NaN;
        for (int s = 0; s < subsets; s++) {
            try (PointerScope inner = new PointerScope()) {
                Tensor idx = sample(r, (int) x.size(0), m);
                if (m == x.size(0)) {
                    // every subset is the whole set, permuted: the sum is the same
                    if (Double.isNaN(whole)) {
                        whole = offDiagonalSum(x, x.size(1));
                    }
                    out[s] = whole;
                } else {
                    out[s] = offDiagonalSum(x.index_select(0, idx), x.size(1));
                }
            }
        }
        return out;
    }

    /**
     * Inception-style score (Salimans et al. 2016) of class probabilities (N, C):
     * exp(E_x KL(p(y|x) || p(y))) within each of {@code splits} consecutive splits, mean +- std.
     */
    public static MeanStd classifierScore(Tensor probs, int splits) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor p = f64(probs).clamp_min(new Scalar(1e-12));
            long n = p.size(0);
            double[] v = new double[splits];
            for (int s = 0; s < splits; s++) {
                long from = n * s / splits;
                long to = n * (s + 1) / splits;
                Tensor part = p.narrow(0, from, to - from);
                Tensor py = part.mean(new long[] {0}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
                Tensor kl = part.mul(part.log().sub(py.log())).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
                v[s] = Math.exp(kl.mean().item_double());
            }
            return meanStd(v);
        }
    }

    /**
     * Improved precision and recall (Kynkaanniemi et al. 2019): each set's manifold is the union
     * of balls reaching each sample's k-th nearest neighbour within its set; precision is the
     * share of generated samples inside the real manifold, recall the share of real samples
     * inside the generated one. The paper uses k = 3.
     */
    public static PrecisionRecall precisionRecall(Tensor real, Tensor fake, int k) {
        Manifold m = manifold(new Reference(real, k), fake, k, k);
        return new PrecisionRecall(m.precision(), m.recall());
    }

    /**
     * Density and coverage (Naeem et al. 2020) with k-NN balls around real samples only:
     * density = E_y[#real balls holding y] / k, coverage = share of real balls holding at least
     * one generated sample. The paper uses k = 5.
     */
    public static DensityCoverage densityCoverage(Tensor real, Tensor fake, int k) {
        Manifold m = manifold(new Reference(real, k), fake, k, k);
        return new DensityCoverage(m.density(), m.coverage());
    }

    /** Precision and recall (k = kPr) with density and coverage (k = kDc). */
    public record Manifold(double precision, double recall, double density, double coverage) {
    }

    /**
     * Real features in float64 with what every comparison needs of them, computed once: mean,
     * covariance and the distance from each sample to its 1st ... kMax-th nearest neighbour.
     */
    public static final class Reference {
        final Tensor x;
        final Tensor mean;
        final Tensor cov;
        final Tensor radii;

        public Reference(Tensor real, int kMax) {
            this(real, null, kMax);
        }

        /** With neighbour radii (N, kMax) computed before, e.g. read from a cache; null computes them. */
        public Reference(Tensor real, Tensor knownRadii, int kMax) {
            try (NoGradGuard ng = new NoGradGuard()) {
                x = f64(real);
                mean = x.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
                cov = cov(x);
                radii = knownRadii != null ? f64(knownRadii) : neighbourRadii(x, kMax);
            }
        }

        private final java.util.Map<String, double[]> kidSums = new java.util.HashMap<>();

        /** KID's off-diagonal kernel sums over this set's seeded subsets, computed once per setting. */
        synchronized double[] kidSums(int subsets, int m, long seed) {
            return kidSums.computeIfAbsent(subsets + "/" + m + "/" + seed, k -> subsetSums(x, subsets, m, seed));
        }

        /** Distances from each sample to its 1st ... kMax-th nearest neighbour, (N, kMax). */
        public Tensor radii() {
            return radii;
        }

        /** Distances to each sample's k-th nearest other sample. */
        Tensor radius(int k) {
            if (k < 1 || k > radii.size(1)) {
                throw new IllegalArgumentException("k = " + k + " outside 1.." + radii.size(1));
            }
            return radii.select(1, k - 1);
        }

        public long size() {
            return x.size(0);
        }
    }

    /** FID against a prepared reference. */
    public static double fid(Reference ref, Tensor fake) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor y = f64(fake);
            return frechet(ref.mean, ref.cov, y.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()), cov(y));
        }
    }

    /**
     * Precision, recall, density and coverage in one pass over the generated-by-real distance
     * matrix (in row blocks), plus one pass over generated-by-generated for recall's radii.
     */
    public static Manifold manifold(Reference ref, Tensor fake, int kPr, int kDc) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = ref.x;
            Tensor y = f64(fake);
            Tensor rxPr = ref.radius(kPr).unsqueeze(0);
            Tensor rxDc = ref.radius(kDc).unsqueeze(0);
            Tensor ry = neighbourRadii(y, kPr).select(1, kPr - 1);
            Tensor nearestFake = torch.full(new long[] {x.size(0)}, new Scalar(Double.POSITIVE_INFINITY),
                    new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Double)));
            Tensor recalled = torch.zeros(x.size(0)).toType(torch.ScalarType.Bool);
            long precise = 0;
            double inBalls = 0;
            long block = blockRows(x.size(0));
            for (long from = 0; from < y.size(0); from += block) {
                try (PointerScope inner = new PointerScope()) {
                    long len = Math.min(block, y.size(0) - from);
                    Tensor d = torch.cdist(y.narrow(0, from, len), x);
                    precise += d.le(rxPr).any(1).sum().item_long();
                    inBalls += torch.count_nonzero(d.le(rxDc)).item_long(); // 5x faster than sum() over bools
                    nearestFake.copy_(torch.minimum(nearestFake, d.amin(new long[] {0}, false)));
                    recalled.logical_or_(d.le(ry.narrow(0, from, len).unsqueeze(1)).any(0));
                }
            }
            double n = y.size(0);
            double m = x.size(0);
            return new Manifold(precise / n, recalled.sum().item_double() / m, inBalls / (kDc * n),
                    nearestFake.le(rxDc.squeeze(0)).sum().item_double() / m);
        }
    }

    /** (N, kMax): distance from each row to its 1st ... kMax-th nearest other row of the same set. */
    static Tensor neighbourRadii(Tensor x, int kMax) {
        Tensor out = torch.empty(x.size(0), kMax).toType(torch.ScalarType.Double);
        long block = blockRows(x.size(0));
        for (long from = 0; from < x.size(0); from += block) {
            try (PointerScope inner = new PointerScope()) {
                long len = Math.min(block, x.size(0) - from);
                Tensor d = torch.cdist(x.narrow(0, from, len), x);
                // the smallest distance is the row to itself (0): neighbours are values 2 .. kMax + 1
                Tensor nearest = d.topk(kMax + 1, 1, false, true).get0();
                out.narrow(0, from, len).copy_(nearest.narrow(1, 1, kMax));
            }
        }
        return out;
    }

    /** Rows per block when each row is compared with {@code columns} others. */
    static long blockRows(long columns) {
        return Math.max(16, BLOCK_ELEMENTS / Math.max(1, columns));
    }

    /** Sum of the cubic kernel over all pairs (a_i, b_j). */
    private static double polySum(Tensor a, Tensor b, double d) {
        try (PointerScope scope = new PointerScope()) {
            // (a b^T / d + 1) in one GEMM, then sum(k^3) as the dot product of k*k with k:
            // three passes over k where pow(3) and sum took five (std::pow on doubles was 10x slower)
            Tensor one = torch.ones(1).toType(torch.ScalarType.Double);
            Tensor k = torch.addmm(one, a, b.t(), new Scalar(1.0), new Scalar(1.0 / d));
            return torch.dot(k.mul(k).view(-1), k.view(-1)).item_double();
        }
    }

    /** Sum of the cubic kernel over pairs (a_i, a_j), i != j. */
    private static double offDiagonalSum(Tensor a, double d) {
        try (PointerScope scope = new PointerScope()) {
            Tensor diag = a.mul(a).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                    .div_(new Scalar(d)).add_(new Scalar(1.0));
            return polySum(a, a, d) - diag.mul(diag).mul_(diag).sum().item_double();
        }
    }

    private static Tensor sample(Random r, int n, int m) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < m; i++) { // partial Fisher-Yates: the first m are a uniform subset
            int j = i + r.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return org.gan4j.nn.Tensors.fromInts(java.util.Arrays.copyOf(p, m));
    }

    /** Unbiased covariance (N - 1 in the denominator), as numpy.cov and TF-GAN. */
    static Tensor cov(Tensor x) {
        Tensor c = x.sub(x.mean(new long[] {0}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
        return c.t().mm(c).div(new Scalar(x.size(0) - 1.0));
    }

    /** Square root of a symmetric positive semi-definite matrix by eigendecomposition. */
    static Tensor sqrtPsd(Tensor c) {
        org.bytedeco.pytorch.T_TensorTensor_T e = torch.linalg_eigh(c.add(c.t()).mul(new Scalar(0.5)), "L");
        Tensor vals = e.get0().clamp_min(new Scalar(0.0)).sqrt();
        Tensor vecs = e.get1();
        return vecs.mul(vals.unsqueeze(0)).mm(vecs.t());
    }

    private static Tensor f64(Tensor t) {
        return t.detach().cpu().toType(torch.ScalarType.Double).contiguous();
    }

    private static MeanStd meanStd(double[] v) {
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        return new MeanStd(mean, Math.sqrt(var));
    }
}
