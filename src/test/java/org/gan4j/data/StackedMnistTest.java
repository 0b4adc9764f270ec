package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackedMnistTest {
    @Test
    void eachChannelIsADigitAndTheLabelIsTheTriple() {
        int n = 40;
        float[] v = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            java.util.Arrays.fill(v, i * 784, (i + 1) * 784, i); // image i is the constant i
        }
        ArrayDataset mnist = new ArrayDataset("mnist", v, new long[] {1, 28, 28}, labels, 10);
        ArrayDataset s = StackedMnist.build(mnist, 500, 7);
        assertThat(s.sampleShape()).containsExactly(3, 28, 28);
        assertThat(s.size()).isEqualTo(500);
        java.util.Set<Integer> modes = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            int mode = 0;
            for (int c = 0; c < 3; c++) {
                int src = (int) s.values()[(i * 3 + c) * 784];
                assertThat(s.values()[(i * 3 + c) * 784 + 783]).isEqualTo(src);
                mode = mode * 10 + labels[src];
            }
            assertThat(s.labels()[i]).isEqualTo(mode);
            modes.add(mode);
        }
        assertThat(modes.size()).isGreaterThan(300); // 500 draws of 1,000 triples: ~394 distinct
        assertThat(StackedMnist.build(mnist, 500, 7).values()).isEqualTo(s.values());
    }
}
