package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class RecomputeBatchNormTest {
    private static final int BATCHES = 4;
    private static final int N = 16;

    /** Batch k of N rows of 2 features: feature f ~ N(k + f, (1 + k)^2). */
    private static float[][] batches() {
        Random r = new Random(9);
        float[][] b = new float[BATCHES][2 * N];
        for (int k = 0; k < BATCHES; k++) {
            for (int i = 0; i < N; i++) {
                for (int f = 0; f < 2; f++) {
                    b[k][2 * i + f] = (float) (k + f + (1 + k) * r.nextGaussian());
                }
            }
        }
        return b;
    }

    @Test
    void runningStatisticsBecomeThePlainAverageOfTheBatchStatistics() {
        Layers.BatchNorm bn = Layers.batchNorm(2);
        bn.eval();
        float[][] b = batches();
        int[] next = {0};
        Layers.recomputeBatchNorm(bn, BATCHES, () -> bn.forward(Tensors.fromFloats(b[next[0]++], N, 2)));
        assertThat(next[0]).isEqualTo(BATCHES);
        assertThat(bn.is_training()).as("the mode it had").isFalse();
        Tensor[] buffers = Params.buffersOf(bn);
        float[] mean = Tensors.toFloats(buffers[0]);
        float[] var = Tensors.toFloats(buffers[1]);
        for (int f = 0; f < 2; f++) {
            double meanOfMeans = 0;
            double meanOfVars = 0;
            for (int k = 0; k < BATCHES; k++) {
                double m = 0;
                for (int i = 0; i < N; i++) {
                    m += b[k][2 * i + f] / (double) N;
                }
                double v = 0;
                for (int i = 0; i < N; i++) {
                    v += (b[k][2 * i + f] - m) * (b[k][2 * i + f] - m) / (N - 1); // unbiased, as torch keeps it
                }
                meanOfMeans += m / BATCHES;
                meanOfVars += v / BATCHES;
            }
            // float32 sums of N = 16 values of magnitude <= ~20 and a 4-step running update:
            // each within a few dozen float32 roundings (2^-24 relative) of ~20, well under 1e-4
            assertThat((double) mean[f]).isCloseTo(meanOfMeans, within(1e-4));
            assertThat((double) var[f]).isCloseTo(meanOfVars, within(1e-4 * Math.max(1, meanOfVars)));
        }
        // the usual momentum (0.1) is back: one more training pass moves the statistics a tenth of the way
        bn.train(true);
        Tensor x = Tensors.fromFloats(b[0], N, 2);
        bn.forward(x);
        double m0 = 0;
        for (int i = 0; i < N; i++) {
            m0 += b[0][2 * i] / (double) N;
        }
        assertThat((double) Tensors.toFloats(Params.buffersOf(bn)[0])[0]).isCloseTo(0.9 * mean[0] + 0.1 * m0, within(1e-4));
    }

    @Test
    void frozenBatchNormsKeepTheirStatistics() {
        Layers.BatchNorm bn = Layers.batchNorm(2);
        Layers.freezeBatchNorm(bn);
        float[][] b = batches();
        Layers.recomputeBatchNorm(bn, 1, () -> bn.forward(Tensors.fromFloats(b[3], N, 2)));
        assertThat(Tensors.toFloats(Params.buffersOf(bn)[0])).containsExactly(0f, 0f);
        assertThat(Tensors.toFloats(Params.buffersOf(bn)[1])).containsExactly(1f, 1f);
    }
}
