package org.gan4j.data;

import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.gan4j.nn.Seeds;

/**
 * Hands out shuffled batches of a {@link Dataset}'s examples, prepared ahead on a background thread.
 * Batch b comes from epoch b / batchesPerEpoch, whose order is a permutation drawn from
 * (seed, epoch) alone, so a run resumed at step b sees exactly the batches an uninterrupted
 * run would. The last partial batch of an epoch is dropped. A consumer that has copied a batch
 * hands it back with {@link #recycle}, so a long run allocates no new arrays per step (the
 * Java heap, and with it resident memory, then stays flat).
 */
public final class BatchLoader implements AutoCloseable {
    /**
     * One batch: {@code values} holds batchSize samples back to back; labels and inputs (the
     * examples' conditioning inputs, back to back) are null where the data has none.
     */
    public record Batch(long index, float[] values, int[] labels, float[] inputs) {
    }

    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;
    private final BlockingQueue<Batch> queue;
    private final BlockingQueue<Batch> free;
    private final Thread worker;
    private volatile Throwable failure;

    public BatchLoader(Dataset data, int batchSize, long seed, long firstBatch, int prefetch) {
        if (data.size() < batchSize) {
            throw new DataException(data.name() + ": " + data.size() + " samples, fewer than one batch of "
                    + batchSize + " (train.batch_size)");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchesPerEpoch = data.size() / batchSize;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
        this.free = new ArrayBlockingQueue<>(Math.max(1, prefetch) + 2);
        this.worker = new Thread(() -> fill(firstBatch), "gan4j-loader");
        worker.setDaemon(true);
        worker.start();
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The next batch, waiting for the worker if it is behind. */
    public Batch next() {
        try {
            while (true) {
                Batch b = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                if (failure != null) {
                    throw new IllegalStateException("batch loader failed", failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    /** Gives a batch's arrays back for reuse; the batch must not be read afterwards. */
    public void recycle(Batch b) {
        free.offer(b);
    }

    /** Builds batch {@code index} directly (the worker's job, public for tests and benchmarks). */
    public Batch build(long index, int[] order) {
        int sample = data.sampleSize();
        Batch old = free.poll();
        float[] values = old != null ? old.values() : new float[batchSize * sample];
        int[] labels = data.classes() == 0 ? null : old != null ? old.labels() : new int[batchSize];
        long[] inShape = data.inputShape();
        int in = inShape == null ? 0 : Math.toIntExact(Dataset.sizeOf(inShape));
        float[] inputs = in == 0 ? null : old != null ? old.inputs() : new float[batchSize * in];
        int offset = (int) (index % batchesPerEpoch) * batchSize;
        for (int i = 0; i < batchSize; i++) {
            int src = order[offset + i];
            data.sample(src, values, i * sample);
            if (labels != null) {
                labels[i] = data.label(src);
            }
            if (inputs != null) {
                data.input(src, inputs, i * in);
            }
        }
        return new Batch(index, values, labels, inputs);
    }

    /** The sample order of one epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
    public int[] order(long epoch) {
        int n = data.size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random r = new Random(Seeds.mix(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private void fill(long first) {
        try {
            long epoch = -1;
            int[] order = null;
            for (long b = first; !Thread.currentThread().isInterrupted(); b++) {
                long e = b / batchesPerEpoch;
                if (e != epoch) {
                    order = order(e);
                    epoch = e;
                }
                queue.put(build(b, order));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
