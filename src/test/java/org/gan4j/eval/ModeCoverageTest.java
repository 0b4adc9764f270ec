package org.gan4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.gan4j.data.ArrayDataset;
import org.gan4j.data.Dataset;
import org.gan4j.data.ToyMixtures;
import org.junit.jupiter.api.Test;

class ModeCoverageTest {
    @Test
    void realMixtureCoversEveryModeUniformly() {
        ArrayDataset d = ToyMixtures.ring8(2500, 9);
        ModeCoverage m = ModeCoverage.of(d.values(), ToyMixtures.ringMeans(), ToyMixtures.RING_STD);
        assertThat(m.modesCovered()).isEqualTo(8);
        assertThat(m.highQualityShare()).isGreaterThan(0.98);
        assertThat(m.reverseKl()).isLessThan(0.01);
    }

    @Test
    void collapsedSamplesScoreOneModeAndLog8Kl() {
        float[] xy = new float[2 * 100];
        for (int i = 0; i < 100; i++) {
            xy[2 * i] = 1.0f; // all on the mode at angle 0
        }
        ModeCoverage m = ModeCoverage.of(xy, ToyMixtures.ringMeans(), ToyMixtures.RING_STD);
        assertThat(m.modesCovered()).isEqualTo(1);
        assertThat(m.highQualityShare()).isEqualTo(1.0);
        assertThat(m.reverseKl()).isCloseTo(Math.log(8), within(1e-12));
    }

    @Test
    void pointsBetweenModesAreLowQuality() {
        float[] xy = {0f, 0f, 3f, 3f}; // grid: (0,0) is a mode, (3,3) is 1.41 units = 28 std from any
        ModeCoverage m = ModeCoverage.of(xy, ToyMixtures.gridMeans(), ToyMixtures.GRID_STD);
        assertThat(m.highQualityShare()).isEqualTo(0.5);
        assertThat(m.modesCovered()).isEqualTo(1);
    }
}
