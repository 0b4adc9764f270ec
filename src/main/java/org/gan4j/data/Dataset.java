package org.gan4j.data;

/**
 * Samples held in memory as floats, each of shape {@code sampleShape}: images scaled to [-1, 1]
 * in (C, H, W) order, or 2-D points. Labels are class indices, or null where there are none.
 */
public record Dataset(String name, float[] values, long[] sampleShape, int[] labels, int classes) {
    public int size() {
        return values.length / sampleSize();
    }

    public int sampleSize() {
        long n = 1;
        for (long d : sampleShape) {
            n *= d;
        }
        return (int) n;
    }
}
