package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ToyMixturesTest {
    @Test
    void ringHasEightDistinctAnglesOnUnitCircle() {
        double[][] m = ToyMixtures.ringMeans();
        assertThat(m).hasNumberOfRows(8);
        java.util.Set<Long> angles = new java.util.HashSet<>();
        for (double[] p : m) {
            assertThat(Math.hypot(p[0], p[1])).isCloseTo(1.0, within(1e-12));
            angles.add(Math.round(Math.toDegrees(Math.atan2(p[1], p[0]))));
        }
        assertThat(angles).hasSize(8);
    }

    @Test
    void gridSamplesStayNearTheirMeansWithTheProtocolStd() {
        ArrayDataset d = ToyMixtures.grid25(20000, 3);
        double[][] m = ToyMixtures.gridMeans();
        double sq = 0;
        int[] counts = new int[25];
        for (int i = 0; i < d.size(); i++) {
            int k = d.labels()[i];
            counts[k]++;
            double dx = d.values()[2 * i] - m[k][0];
            double dy = d.values()[2 * i + 1] - m[k][1];
            sq += dx * dx + dy * dy;
        }
        assertThat(Math.sqrt(sq / (2 * d.size()))).isCloseTo(ToyMixtures.GRID_STD, within(0.002));
        for (int c : counts) {
            assertThat(c).isBetween(600, 1000);
        }
    }
}
