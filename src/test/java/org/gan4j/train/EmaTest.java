package org.gan4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.models.Generator;
import org.gan4j.models.MlpGenerator;
import org.gan4j.nn.Params;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class EmaTest {
    @Test
    void followsBeforeStartThenAverages() {
        Generator g = new MlpGenerator(2, 4, false, 2);
        Generator shadow = new MlpGenerator(2, 4, false, 2);
        Ema ema = new Ema(g, shadow, 0.9, 2);
        Tensor p = Params.of(g)[0];
        Tensor s = Params.of(shadow)[0];
        float before = Tensors.toFloats(p)[0];
        assertThat(Tensors.toFloats(s)[0]).isEqualTo(before);
        try (NoGradGuard ng = new NoGradGuard()) {
            p.add_(new Scalar(1.0));
        }
        ema.update(1); // before start: a copy
        assertThat(Tensors.toFloats(s)[0]).isEqualTo(before + 1);
        try (NoGradGuard ng = new NoGradGuard()) {
            p.add_(new Scalar(1.0));
        }
        ema.update(2); // 0.9 * (before + 1) + 0.1 * (before + 2)
        assertThat((double) Tensors.toFloats(s)[0]).isCloseTo(before + 1.1, within(1e-5));
    }

    /** An average that lags G holds batch statistics of its own weights when read, the same on every read. */
    @Test
    void theAverageIsReadWithStatisticsOfItsOwnWeights() {
        java.util.function.Supplier<Generator> bnG = () -> new MlpGenerator(2, new long[] {8},
                () -> org.gan4j.nn.Layers.leakyRelu(0.2), true, false, 2);
        org.gan4j.nn.Seeds.seedTorch(4);
        Generator g = bnG.get();
        Generator shadow = bnG.get();
        Ema ema = new Ema(g, shadow, 0.5, 0);
        try (NoGradGuard ng = new NoGradGuard()) {
            Params.of(g)[0].mul_(new Scalar(3.0)); // G's first layer triples: the average's weights are 2x the old
        }
        ema.update(1);
        float[] gStats = Tensors.toFloats(Params.buffersOf(g)[0]);
        assertThat(Tensors.toFloats(Params.buffersOf(shadow)[0])).as("copied from G at the update").containsExactly(gStats);
        float[] read = Tensors.toFloats(Params.buffersOf(ema.generator())[0]).clone();
        assertThat(read).as("recomputed on the read").isNotEqualTo(gStats);
        float[] again = Tensors.toFloats(Params.buffersOf(ema.generator())[0]);
        assertThat(again).containsExactly(read);
        ema.update(2);
        assertThat(Tensors.toFloats(Params.buffersOf(ema.generator())[0])).as("weights moved: read anew").isNotEqualTo(read);
    }
}
