package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static ArrayDataset points(int n) {
        float[] v = new float[2 * n];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            v[2 * i] = i;
            v[2 * i + 1] = -i;
            l[i] = i;
        }
        return new ArrayDataset("pts", v, new long[] {2}, l, n);
    }

    @Test
    void epochVisitsEverySampleOnceThenReshuffles() {
        try (BatchLoader b = new BatchLoader(points(100), 10, 5, 0, 2)) {
            Set<Integer> seen = new HashSet<>();
            StringBuilder first = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                for (int l : b.next().labels()) {
                    assertThat(seen.add(l)).isTrue();
                    first.append(l).append(',');
                }
            }
            assertThat(seen).hasSize(100);
            StringBuilder second = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                for (int l : b.next().labels()) {
                    second.append(l).append(',');
                }
            }
            assertThat(second.toString()).isNotEqualTo(first.toString());
        }
    }

    @Test
    void startingAtBatchKEqualsSkippingK() {
        ArrayDataset d = points(95); // 9 full batches of 10, last 5 dropped
        try (BatchLoader a = new BatchLoader(d, 10, 11, 0, 3); BatchLoader b = new BatchLoader(d, 10, 11, 13, 3)) {
            for (int i = 0; i < 13; i++) {
                a.next();
            }
            for (int i = 0; i < 20; i++) {
                BatchLoader.Batch x = a.next();
                BatchLoader.Batch y = b.next();
                assertThat(y.index()).isEqualTo(x.index());
                assertThat(y.values()).containsExactly(x.values());
            }
        }
    }

    @Test
    void tooFewSamplesForABatch() {
        assertThatThrownBy(() -> new BatchLoader(points(5), 10, 1, 0, 1))
                .isInstanceOf(DataException.class).hasMessageContaining("train.batch_size");
    }
}
