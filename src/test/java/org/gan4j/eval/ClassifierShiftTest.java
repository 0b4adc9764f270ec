package org.gan4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassifierShiftTest {
    @Test
    void shiftedImagesKeepTheirPixelsAtAnOffsetOfAtMostTwoAndFillWithBackground() {
        int side = 8;
        int n = 50;
        float[] in = new float[n * side * side];
        for (int i = 0; i < n; i++) {
            in[i * side * side + 4 * side + 3] = 1f; // one bright pixel at (x 3, y 4), the rest 0
        }
        float[] out = new float[in.length];
        Classifier.shift(in, out, n, side, new Random(1));
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            int bright = -1;
            int background = 0;
            for (int p = 0; p < side * side; p++) {
                float v = out[i * side * side + p];
                if (v == 1f) {
                    assertThat(bright).isEqualTo(-1);
                    bright = p;
                }
                background += v == -1f ? 1 : 0;
            }
            int dx = bright % side - 3;
            int dy = bright / side - 4;
            assertThat(Math.abs(dx)).isLessThanOrEqualTo(Classifier.SHIFT);
            assertThat(Math.abs(dy)).isLessThanOrEqualTo(Classifier.SHIFT);
            // the uncovered border is background, the rest copied zeros
            assertThat(background).isEqualTo(side * side - (side - Math.abs(dx)) * (side - Math.abs(dy)));
            offsets.add(dx * 10 + dy);
        }
        assertThat(offsets.size()).isGreaterThan(10); // the offsets vary
    }
}
