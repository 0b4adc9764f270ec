package org.gan4j.data;

/**
 * Examples held in memory as floats, each sample of shape {@code sampleShape}: images scaled to
 * [-1, 1] in (C, H, W) order, or 2-D points. Labels are class indices, or null where there are
 * none. Java arrays cap it at 2^31 floats; a larger set implements {@link Dataset} itself.
 */
public record ArrayDataset(String name, float[] values, long[] sampleShape, int[] labels, int classes)
        implements Dataset {
    public ArrayDataset {
        long per = Dataset.sizeOf(sampleShape);
        if (per == 0 || values.length % per != 0) {
            throw new IllegalArgumentException(name + ": " + values.length + " floats do not make whole samples of shape "
                    + java.util.Arrays.toString(sampleShape));
        }
        if (labels != null && labels.length != values.length / per) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + values.length / per + " samples");
        }
    }

    @Override
    public int size() {
        return (int) (values.length / Dataset.sizeOf(sampleShape));
    }

    @Override
    public void sample(int i, float[] dst, int offset) {
        int n = sampleSize();
        System.arraycopy(values, i * n, dst, offset, n);
    }

    @Override
    public int label(int i) {
        return labels == null ? -1 : labels[i];
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }
}
