package org.gan4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class ClusterPriorTest {
    private static final double[] SHARES = {0.5, 0.3, 0.15, 0.05};

    /** A "generator" of 4 classes whose sample is (class, z0): what the prior handed on. */
    private static final class Echo extends Generator {
        Echo() {
            super(3, 2);
        }

        @Override
        public int classes() {
            return SHARES.length;
        }

        @Override
        public Tensor forward(Tensor z) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor forward(Tensor z, Tensor y) {
            return torch.cat(new TensorVector(y.toType(z.scalar_type()).unsqueeze(1), z.narrow(1, 0, 1)), 1);
        }
    }

    @Test
    void clustersFollowTheSharesAndZStaysStandardNormal() {
        try (PointerScope scope = new PointerScope()) {
            ClusterPrior g = new ClusterPrior(new Echo());
            g.setShares(SHARES);
            assertThat(g.classes()).isZero();
            assertThat(g.clusters()).isEqualTo(4);
            Seeds.seedTorch(11);
            int n = 40_000;
            float[] out = Tensors.toFloats(g.forward(torch.randn(n, 3)));
            int[] count = new int[4];
            double[] sum = new double[4];
            double sq = 0;
            for (int i = 0; i < n; i++) {
                int c = (int) out[2 * i];
                count[c]++;
                sum[c] += out[2 * i + 1];
                sq += out[2 * i + 1] * out[2 * i + 1];
            }
            for (int c = 0; c < 4; c++) {
                double p = SHARES[c];
                // binomial count: within 5 standard deviations
                assertThat((double) count[c]).isCloseTo(n * p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(n * p * (1 - p))));
                // z0 within a cluster is N(0, 1) again: its mean within 5 standard errors of 0
                assertThat(sum[c] / count[c]).isCloseTo(0, org.assertj.core.data.Offset.offset(5 / Math.sqrt(count[c])));
            }
            // variance of N(0, 1) over n draws: standard error sqrt(2 / n)
            assertThat(sq / n).isCloseTo(1, org.assertj.core.data.Offset.offset(5 * Math.sqrt(2.0 / n)));
        }
    }

    @Test
    void aGivenClusterIsPassedOnWithZUnchanged() {
        try (PointerScope scope = new PointerScope()) {
            ClusterPrior g = new ClusterPrior(new Echo());
            Tensor z = torch.randn(8, 3);
            Tensor y = torch.full(new long[] {8}, new org.bytedeco.pytorch.Scalar(2)).toType(torch.ScalarType.Long);
            float[] out = Tensors.toFloats(g.forward(z, y));
            float[] zs = Tensors.toFloats(z);
            for (int i = 0; i < 8; i++) {
                assertThat(out[2 * i]).isEqualTo(2f);
                assertThat(out[2 * i + 1]).isEqualTo(zs[3 * i]);
            }
        }
    }

    @Test
    void sharesMustMatchTheClustersAndSumToOne() {
        ClusterPrior g = new ClusterPrior(new Echo());
        assertThatThrownBy(() -> g.setShares(new double[] {0.5, 0.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 shares for 4 clusters");
        assertThatThrownBy(() -> g.setShares(new double[] {0.5, 0.5, 0.5, 0.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum to 2.0");
    }
}
