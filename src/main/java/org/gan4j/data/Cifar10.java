package org.gan4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gan4j.config.Choices;

/**
 * CIFAR-10 in its binary layout (https://www.cs.toronto.edu/~kriz/cifar.html): files of
 * 3,073-byte records, one label byte (0-9) then 32x32 red, green and blue planes. The training
 * split is data_batch_1.bin ... data_batch_5.bin, the test split test_batch.bin, found directly
 * in the dataset directory or in its cifar-10-batches-bin folder (as the archive unpacks).
 */
public final class Cifar10 {
    static final int RECORD = 1 + 3 * 32 * 32;
    static final String SUBDIR = "cifar-10-batches-bin";

    private Cifar10() {
    }

    /** Loads the training batches present, pixels scaled to [-1, 1]; {@code limit} 0 = all. */
    public static ArrayDataset loadTrain(String explicit, int limit) {
        List<Path> files = new ArrayList<>();
        Path dir = locate(explicit);
        for (int i = 1; i <= 5; i++) {
            Path f = dir.resolve("data_batch_" + i + ".bin");
            if (Files.isRegularFile(f)) {
                files.add(f);
            }
        }
        return load("cifar10", files, limit);
    }

    /** Loads the test batch. */
    public static ArrayDataset loadTest(String explicit, int limit) {
        Path dir = locate(explicit);
        Path f = dir.resolve("test_batch.bin");
        if (!Files.isRegularFile(f)) {
            throw new DataException(dir + ": no test_batch.bin (CIFAR-10 binary version)");
        }
        return load("cifar10-test", List.of(f), limit);
    }

    /** The directory holding data_batch_1.bin, or a clear error naming every place looked at. */
    static Path locate(String explicit) {
        List<Path> dirs = new ArrayList<>();
        for (Path d : ImageDatasets.searchPath(Choices.Dataset.CIFAR10, explicit)) {
            dirs.add(d);
            dirs.add(d.resolve(SUBDIR));
        }
        for (Path d : dirs) {
            if (Files.isRegularFile(d.resolve("data_batch_1.bin"))) {
                return d;
            }
        }
        if (explicit != null && !Files.isDirectory(Path.of(explicit))) {
            throw new DataException("data.path: no such directory " + explicit);
        }
        throw new DataException((explicit != null ? "data.path: " : "dataset cifar10: ")
                + "no data_batch_1.bin (CIFAR-10 binary version) in " + dirs
                + "; unpack cifar-10-binary.tar.gz there or set GAN4J_DATA");
    }

    static ArrayDataset load(String name, List<Path> files, int limit) {
        List<byte[]> chunks = new ArrayList<>();
        long records = 0;
        for (Path f : files) {
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
            }
            if (size == 0 || size % RECORD != 0) {
                throw new DataException(f + ": " + size + " bytes is not a whole number of " + RECORD
                        + "-byte CIFAR-10 records (1 label byte + 3x32x32 pixels); truncated or not the binary version?");
            }
            if (limit > 0 && records >= limit) {
                break;
            }
            try (InputStream in = Files.newInputStream(f)) {
                chunks.add(in.readAllBytes());
            } catch (IOException e) {
                throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
            }
            records += size / RECORD;
        }
        int n = (int) (limit > 0 ? Math.min(limit, records) : records);
        float[] values = new float[n * (RECORD - 1)];
        int[] labels = new int[n];
        int i = 0;
        int c = 0;
        for (byte[] chunk : chunks) {
            for (int off = 0; off < chunk.length && i < n; off += RECORD, i++) {
                int label = chunk[off] & 0xff;
                if (label > 9) {
                    throw new DataException(files.get(c) + ": record " + (off / RECORD) + " has label " + label
                            + ", CIFAR-10 labels are 0-9");
                }
                labels[i] = label;
                int base = i * (RECORD - 1);
                for (int p = 0; p < RECORD - 1; p++) {
                    values[base + p] = (chunk[off + 1 + p] & 0xff) / 127.5f - 1f;
                }
            }
            c++;
        }
        return new ArrayDataset(name, values, new long[] {3, 32, 32}, labels, 10);
    }
}
