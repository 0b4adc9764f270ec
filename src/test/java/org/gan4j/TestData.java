package org.gan4j;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Data for tests: the real MNIST digits when GAN4J_DATA has them, else small generated IDX files. */
public final class TestData {
    private TestData() {
    }

    /** A directory holding MNIST-layout training files; says which kind it is on stderr. */
    public static Path mnistDir(Path tmp) throws IOException {
        String env = System.getenv("GAN4J_DATA");
        if (env != null && Files.isRegularFile(Path.of(env, "mnist", "train-images-idx3-ubyte.gz"))) {
            System.err.println("TestData: real MNIST from " + Path.of(env, "mnist"));
            return Path.of(env, "mnist");
        }
        System.err.println("TestData: GAN4J_DATA has no MNIST; using 512 generated 28x28 images");
        return generatedMnistDir(tmp);
    }

    /** 512 generated 28x28 images of ten learnable kinds in MNIST's layout, whatever GAN4J_DATA holds. */
    public static Path generatedMnistDir(Path tmp) throws IOException {
        Path dir = tmp.resolve("mnist");
        Files.createDirectories(dir);
        int n = 512;
        byte[] px = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            // class k is k + 1 one-pixel bars two apart: learnable, and unchanged by the
            // classifier's +-2 px shift augmentation (a bar's position would not be)
            for (int y = 4; y < 24; y++) {
                for (int b = 0; b <= i % 10; b++) {
                    px[i * 784 + y * 28 + 4 + 2 * b] = (byte) (200 + r.nextInt(55));
                }
            }
        }
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {n, 28, 28}, px, true);
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[] {n}, labels, true);
        return dir;
    }

    /**
     * Whether {@code dir} came from {@link #mnistDir} generating it: its 312 training images are
     * 3 batches an epoch, so a classifier needs ~20 epochs where real MNIST needs 1.
     */
    public static boolean isGenerated(Path dir) {
        String env = System.getenv("GAN4J_DATA");
        return env == null || !dir.equals(Path.of(env, "mnist"));
    }

    public static void writeIdx(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream o = gzip ? new GZIPOutputStream(raw) : raw;
             DataOutputStream out = new DataOutputStream(o)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }
}
