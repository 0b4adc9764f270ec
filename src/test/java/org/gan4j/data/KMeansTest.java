package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {
    private static final int[] SIZES = {300, 200, 100};

    /** Three tight blobs (std 0.01) ten units apart, in order: 300, 200, then 100 points. */
    private static ArrayDataset blobs() {
        Random r = new Random(1);
        int n = SIZES[0] + SIZES[1] + SIZES[2];
        float[] v = new float[2 * n];
        int i = 0;
        for (int b = 0; b < SIZES.length; b++) {
            for (int j = 0; j < SIZES[b]; j++, i++) {
                v[2 * i] = (float) (10 * b + 0.01 * r.nextGaussian());
                v[2 * i + 1] = (float) (-10 * b + 0.01 * r.nextGaussian());
            }
        }
        return new ArrayDataset("blobs", v, new long[] {2}, null, 0);
    }

    @Test
    void separateBlobsBecomeTheClusters() {
        ArrayDataset d = blobs();
        int[] a = KMeans.assign(d, 3, 7);
        // each blob maps to one cluster and no two blobs share one
        Map<Integer, Integer> blobOf = new HashMap<>();
        int i = 0;
        for (int b = 0; b < SIZES.length; b++) {
            for (int j = 0; j < SIZES[b]; j++, i++) {
                assertThat(blobOf.computeIfAbsent(a[i], c -> blobOf.size())).isEqualTo(b);
            }
        }
        double[] s = KMeans.shares(a, 3);
        double sum = 0;
        for (int b = 0; b < 3; b++) {
            sum += s[a[b == 0 ? 0 : b == 1 ? 300 : 500]];
        }
        // 600 terms of 1/600 each: the sum's rounding is at most 600 ulps of 1
        assertThat(Math.abs(sum - 1)).isLessThan(600 * Math.ulp(1.0));
        assertThat(s[a[0]]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s[a[599]]).isCloseTo(1 / 6.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theSameSeedGivesTheSameClusters() {
        ArrayDataset d = blobs();
        assertThat(KMeans.assign(d, 5, 3)).containsExactly(KMeans.assign(d, 5, 3));
    }

    @Test
    void kOutsideTwoToTheSampleCountIsRefused() {
        ArrayDataset d = blobs();
        assertThatThrownBy(() -> KMeans.assign(d, 601, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blobs: k-means needs 2 <= k <= 600 samples, got k 601");
        assertThatThrownBy(() -> KMeans.assign(d, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clusteredDatasetRelabelsAndKeepsTheImages() {
        ArrayDataset d = blobs();
        ClusteredDataset c = ClusteredDataset.of(d, 3, 7);
        assertThat(c.classes()).isEqualTo(3);
        assertThat(c.size()).isEqualTo(600);
        assertThat(c.base()).isSameAs(d);
        float[] a = new float[2];
        float[] b = new float[2];
        c.sample(450, a, 0);
        d.sample(450, b, 0);
        assertThat(a).containsExactly(b);
        assertThat(c.label(0)).isEqualTo(c.label(299)).isNotEqualTo(c.label(300));
    }

    /** Images (2, 2, 2) whose channels each light one of three pixels, drawn independently, with noise of std 0.01. */
    @Test
    void clustersPerChannelLabelTheTupleOfTheChannelsPatterns() {
        Random r = new Random(3);
        int n = 900;
        int[][] pattern = new int[n][2];
        float[] v = new float[8 * n];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < 2; ch++) {
                pattern[i][ch] = r.nextInt(3);
                for (int j = 0; j < 4; j++) {
                    v[8 * i + 4 * ch + j] = (float) ((j == pattern[i][ch] ? 1 : 0) + 0.01 * r.nextGaussian());
                }
            }
        }
        ArrayDataset d = new ArrayDataset("two-channel", v, new long[] {2, 2, 2}, null, 0);
        ClusteredDataset c = ClusteredDataset.ofChannels(d, 3, 5);
        assertThat(c.classes()).isEqualTo(9);
        // each channel's clusters are its patterns; the label is first * 3 + second, so a label's
        // first digit follows the first channel's pattern alone and the second the second's
        Map<Integer, Integer> pairOf = new HashMap<>();
        Map<Integer, Integer> firstOf = new HashMap<>();
        Map<Integer, Integer> secondOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int label = c.label(i);
            int[] p = pattern[i];
            assertThat(label).isBetween(0, 8);
            assertThat(pairOf.computeIfAbsent(label, x -> 3 * p[0] + p[1])).isEqualTo(3 * p[0] + p[1]);
            assertThat(firstOf.computeIfAbsent(label / 3, x -> p[0])).isEqualTo(p[0]);
            assertThat(secondOf.computeIfAbsent(label % 3, x -> p[1])).isEqualTo(p[1]);
        }
        assertThat(pairOf).hasSize(9);
        assertThat(pairOf.values()).doesNotHaveDuplicates();
        assertThatThrownBy(() -> ClusteredDataset.ofChannels(blobs(), 2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blobs: clusters per channel need images (C, H, W)");
    }
}
