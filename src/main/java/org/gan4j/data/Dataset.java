package org.gan4j.data;

/**
 * Real examples for training: a sample each (the target D tells from G's), a class label where
 * the data has classes, and, for tasks that map one thing to another, an input G is given. A
 * dataset copies example i into the loader's batch, so it may hold its examples anywhere (in
 * memory, on disk, made on the fly); {@link ArrayDataset} holds them in one float array.
 *
 * <pre>{@code
 * Dataset points = new Dataset() {
 *     public String name() { return "line"; }
 *     public int size() { return 1000; }
 *     public long[] sampleShape() { return new long[] {2}; }
 *     public void sample(int i, float[] dst, int at) { dst[at] = i / 500f - 1; dst[at + 1] = 0; }
 * };
 * }</pre>
 */
public interface Dataset {
    String name();

    /** Examples. */
    int size();

    /** The shape of one sample, e.g. (C, H, W). */
    long[] sampleShape();

    /** Copies sample i ({@link #sampleSize} floats) into {@code dst} from {@code offset}. */
    void sample(int i, float[] dst, int offset);

    /** Classes of the labels; 0 where the examples have none. */
    default int classes() {
        return 0;
    }

    /** Example i's class in [0, classes), or -1 where there are none. */
    default int label(int i) {
        return -1;
    }

    /** The shape of one conditioning input (an image to translate), or null where G takes none. */
    default long[] inputShape() {
        return null;
    }

    /** Copies input i into {@code dst} from {@code offset}, where {@link #inputShape} is not null. */
    default void input(int i, float[] dst, int offset) {
        throw new UnsupportedOperationException(name() + " has no inputs");
    }

    /** Floats in one sample. */
    default int sampleSize() {
        return Math.toIntExact(sizeOf(sampleShape()));
    }

    /** The product of a shape's dimensions. */
    static long sizeOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
