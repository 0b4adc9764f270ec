package org.gan4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class MetricsTest {
    /**
     * float64 rounding of a Frechet distance of small matrices: eigh, the square roots, a product
     * and svdvals are backward stable with error constants of about n^2 (LAPACK's p(n) u |C|),
     * 64 here, over the quantities the distance sums (|mu1 - mu2|^2, the traces, twice the trace of
     * the square root, at most the sum of the traces). A wrong formula is off by O(1).
     */
    private static double frechetBound(double scale) {
        return Rounding.gamma(64, Rounding.U64) * 2 * scale;
    }

    private static Tensor d64(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensors.fromFloats(f, v.length).toType(torch.ScalarType.Double);
    }

    private static Tensor matrix(double a, double b, double c, double d) {
        return d64(a, b, c, d).reshape(2, 2);
    }

    @Test
    void frechetDistanceOfTwoGaussiansHasItsClosedForm() {
        try (PointerScope s = new PointerScope()) {
            // diagonal: |(1, 2)|^2 + (1 + 4 + 9 + 1) - 2 (sqrt(1*9) + sqrt(4*1)) = 5 + 15 - 10
            assertThat(Metrics.frechet(d64(0, 0), matrix(1, 0, 0, 4), d64(1, 2), matrix(9, 0, 0, 1)))
                    .isCloseTo(10.0, within(frechetBound(5 + 15)));
            // the same covariances rotated by 30 degrees: the distance is unchanged
            double c = Math.cos(Math.PI / 6);
            double sn = Math.sin(Math.PI / 6);
            Tensor r = matrix(c, -sn, sn, c);
            Tensor c1 = r.mm(matrix(1, 0, 0, 4)).mm(r.t());
            Tensor c2 = r.mm(matrix(9, 0, 0, 1)).mm(r.t());
            // d64 rounds r's entries to float32 (u = 2^-24): r^T r = I + F, |F| <= 4 u, moves each
            // trace (and the root's) by at most 4 u of it, both sides
            double rotated = 8 * Rounding.U32 * 15;
            assertThat(Metrics.frechet(d64(0, 0), c1, d64(1, 2), c2)).isCloseTo(10.0,
                    within(rotated + frechetBound(5 + 15)));
            // non-commuting covariances: W2^2 of N(0, diag(1, 0)) and N(0, rotated diag(1, 0)) is
            // 2 - 2 |cos 30deg|
            Tensor p1 = matrix(1, 0, 0, 0);
            Tensor p2 = r.mm(p1).mm(r.t());
            // r's float32 rounding as above, and the zero eigenvalues come out as +-u64 |C|, whose
            // square roots (clamped at 0) add up to 2 sqrt(u64 |C|) to each root's trace
            double singular = 8 * Rounding.U32 * 2 + 4 * Math.sqrt(Rounding.U64 * 2);
            assertThat(Metrics.frechet(d64(0, 0), p1, d64(0, 0), p2)).isCloseTo(2 - 2 * c,
                    within(singular + frechetBound(2)));
        }
    }

    @Test
    void identicalSetsScorePerfectly() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(1);
            Tensor x = torch.randn(500, 8);
            double trace = 2 * x.var(new long[] {0}, true, false).sum().item_double();
            assertThat(Metrics.fid(x, x)).isCloseTo(0.0, within(frechetBound(trace)));
            Metrics.PrecisionRecall pr = Metrics.precisionRecall(x, x, 3);
            assertThat(pr.precision()).isEqualTo(1.0);
            assertThat(pr.recall()).isEqualTo(1.0);
            assertThat(Metrics.densityCoverage(x, x, 5).coverage()).isEqualTo(1.0);
            // subsets drawn from one pool of 500 have E[KID] = (2 / 500) (mean k(x, y) - mean k(x, x)),
            // about -0.035 here (numpy gives -0.035 +- 0.011 for the same estimator): ~0 next to a
            // set shifted by half a standard deviation
            Metrics.MeanStd kid = Metrics.kid(x, x, 50, 200, 7);
            Metrics.MeanStd shifted = Metrics.kid(x, x.add(new Scalar(0.5)), 50, 200, 7);
            assertThat(Math.abs(kid.mean())).isLessThan(shifted.mean() / 20);
            assertThat(kid.mean()).isBetween(-0.08, 0.0);
        }
    }

    @Test
    void aCollapsedGeneratorIsSeparatedFromAGoodOne() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(2);
            Tensor real = torch.randn(1000, 8);
            Tensor good = torch.randn(1000, 8);
            // all samples near one point: precise but without diversity
            Tensor collapsed = torch.randn(1000, 8).mul(new Scalar(0.05)).add(new Scalar(0.3));
            assertThat(Metrics.fid(real, good)).isLessThan(0.2);
            assertThat(Metrics.fid(real, collapsed)).isGreaterThan(5);
            assertThat(Metrics.kid(real, good, 10, 500, 1).mean()).isLessThan(Metrics.kid(real, collapsed, 10, 500, 1).mean() / 10);
            Metrics.PrecisionRecall prGood = Metrics.precisionRecall(real, good, 3);
            Metrics.PrecisionRecall prBad = Metrics.precisionRecall(real, collapsed, 3);
            assertThat(prGood.recall()).isGreaterThan(0.5);
            assertThat(prBad.recall()).isLessThan(0.05);
            assertThat(prBad.precision()).isGreaterThan(0.9);
            assertThat(Metrics.densityCoverage(real, good, 5).coverage()).isGreaterThan(0.8);
            assertThat(Metrics.densityCoverage(real, collapsed, 5).coverage()).isLessThan(0.05);
        }
    }

    @Test
    void classifierScoreIsTheNumberOfEquallyUsedConfidentClasses() {
        try (PointerScope s = new PointerScope()) {
            Tensor eye = torch.eye(10).toType(torch.ScalarType.Double).repeat(new long[] {10, 1});
            // probabilities clamped at eps = 1e-12 shift each KL term by at most eps (|ln eps| + 1)
            // per class, and float64's exp and logs and 100 x 10 sums add gamma_1000(u64)
            double clamp = 10 * 1e-12 * (Math.abs(Math.log(1e-12)) + 1) + Rounding.gamma(1000, Rounding.U64);
            assertThat(Metrics.classifierScore(eye, 1).mean()).isCloseTo(10.0, within(10 * clamp));
            Tensor one = torch.zeros(100, 10).toType(torch.ScalarType.Double);
            one.select(1, 3).fill_(new Scalar(1.0));
            assertThat(Metrics.classifierScore(one, 5).mean()).isCloseTo(1.0, within(clamp));
            Tensor unsure = torch.full(new long[] {100, 10}, new Scalar(0.1)).toType(torch.ScalarType.Double);
            assertThat(Metrics.classifierScore(unsure, 2).mean()).isCloseTo(1.0, within(clamp));
        }
    }

    private static double[][] rows(Tensor t) {
        float[] v = org.gan4j.nn.Tensors.toFloats(t);
        int d = (int) t.size(1);
        double[][] out = new double[(int) t.size(0)][d];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = v[i * d + j];
            }
        }
        return out;
    }

    private static double dist(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    /** k-th nearest other point of the same set, by sorting every distance. */
    private static double[] radii(double[][] x, int k) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] d = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                d[j] = dist(x[i], x[j]);
            }
            java.util.Arrays.sort(d);
            r[i] = d[k];
        }
        return r;
    }

    @Test
    void onePassManifoldMetricsMatchTheirDefinitions() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(5);
            Tensor real = torch.randn(70, 4);
            Tensor fake = torch.randn(45, 4).mul(new Scalar(0.7)).add(new Scalar(0.4));
            double[][] x = rows(real);
            double[][] y = rows(fake);
            double[] rx3 = radii(x, 3);
            double[] rx5 = radii(x, 5);
            double[] ry3 = radii(y, 3);
            int precise = 0;
            int inBalls = 0;
            for (double[] b : y) {
                boolean in = false;
                for (int i = 0; i < x.length; i++) {
                    in |= dist(b, x[i]) <= rx3[i];
                    inBalls += dist(b, x[i]) <= rx5[i] ? 1 : 0;
                }
                precise += in ? 1 : 0;
            }
            int recalled = 0;
            int covered = 0;
            for (int i = 0; i < x.length; i++) {
                boolean r = false;
                boolean c = false;
                for (int j = 0; j < y.length; j++) {
                    r |= dist(x[i], y[j]) <= ry3[j];
                    c |= dist(x[i], y[j]) <= rx5[i];
                }
                recalled += r ? 1 : 0;
                covered += c ? 1 : 0;
            }
            Metrics.Manifold m = Metrics.manifold(new Metrics.Reference(real, 5), fake, 3, 5);
            // counts are exact in float64 and each share one division: within u64 of it
            assertThat(m.precision()).isCloseTo(precise / 45.0, within(Rounding.U64));
            assertThat(m.recall()).isCloseTo(recalled / 70.0, within(Rounding.U64));
            assertThat(m.density()).isCloseTo(inBalls / (5 * 45.0), within(Rounding.U64 * 10));
            assertThat(m.coverage()).isCloseTo(covered / 70.0, within(Rounding.U64));
            assertThat(m.precision()).isStrictlyBetween(0.0, 1.0);
            assertThat(m.recall()).isStrictlyBetween(0.0, 1.0);
            // the same distance from a cached mean and covariance: each within frechetBound
            double scale = real.var(new long[] {0}, true, false).sum().item_double()
                    + fake.var(new long[] {0}, true, false).sum().item_double()
                    + real.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                    .sub(fake.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional())).square()
                    .sum().item_double();
            assertThat(Metrics.fid(new Metrics.Reference(real, 1), fake)).isCloseTo(Metrics.fid(real, fake),
                    within(2 * frechetBound(scale)));
        }
    }

    @Test
    void kidIsTheUnbiasedMmdEstimateWithTheCubicKernel() {
        try (PointerScope s = new PointerScope()) {
            int m = 40;
            int d = 6;
            java.util.Random r = new java.util.Random(3);
            float[] a = new float[m * d];
            float[] b = new float[m * d];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
                b[i] = (float) (r.nextGaussian() * 1.3 + 0.4);
            }
            // one subset holding every row: the estimate is the whole-set formula, computed here by hand
            double xx = 0;
            double yy = 0;
            double xy = 0;
            double magnitude = 0; // the terms' sizes, (sum |x y| / d + 1)^3, weighted as in the estimate
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i != j) {
                        xx += cubic(a, i, a, j, d);
                        yy += cubic(b, i, b, j, d);
                        magnitude += (size(a, i, a, j, d) + size(b, i, b, j, d)) / (m * (m - 1.0));
                    }
                    xy += cubic(a, i, b, j, d);
                    magnitude += 2 * size(a, i, b, j, d) / ((double) m * m);
                }
            }
            double expected = (xx + yy) / (m * (m - 1.0)) - 2 * xy / ((double) m * m);
            Metrics.MeanStd kid = Metrics.kid(Tensors.fromFloats(a, m, d), Tensors.fromFloats(b, m, d), 1, m, 5);
            // each term's dot product within gamma_(d+2) (u = 2^-53) of its size, cubed (3 times
            // that), then m^2 terms summed: both sides within (3 gamma_(d+2) + gamma_(m^2)) of the
            // weighted sum of the terms' sizes
            double bound = 2 * (3 * Rounding.gamma(d + 2, Rounding.U64) + Rounding.gamma(m * m, Rounding.U64)) * magnitude;
            assertThat(kid.mean()).isCloseTo(expected, within(bound));
            assertThat(kid.std()).isZero();
        }
    }

    /** (sum_k |x_ik y_jk| / d + 1)^3, the size bounding the cubic kernel's term and its rounding. */
    private static double size(float[] x, int i, float[] y, int j, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
            dot += Math.abs((double) x[i * d + k] * y[j * d + k]);
        }
        double v = dot / d + 1;
        return v * v * v;
    }

    private static double cubic(float[] x, int i, float[] y, int j, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
            dot += (double) x[i * d + k] * y[j * d + k];
        }
        double v = dot / d + 1;
        return v * v * v;
    }
}
