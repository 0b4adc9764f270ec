package org.gan4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gan4j.config.Choices;

/**
 * Finds and loads MNIST-layout datasets. Search order: an explicit directory, then
 * {@code $GAN4J_DATA/<name>}, then {@code ~/.gan4j/data/<name>}, then Debian's
 * {@code /usr/share/datasets/<name>} (where {@code dataset-fashion-mnist} installs).
 */
public final class ImageDatasets {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private ImageDatasets() {
    }

    /** Directories searched for a dataset, in order. */
    public static List<Path> searchPath(Choices.Dataset dataset, String explicit) {
        String name = dataset.toString();
        List<Path> dirs = new ArrayList<>();
        if (explicit != null) {
            Path p = Path.of(explicit);
            dirs.add(p);
            dirs.add(p.resolve(name));
            return dirs;
        }
        String env = System.getenv("GAN4J_DATA");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env).resolve(name));
        }
        dirs.add(defaultRoot().resolve(name));
        dirs.add(Path.of("/usr/share/datasets").resolve(name));
        return dirs;
    }

    /** Where {@code gan4j data fetch} puts files when no directory is given. */
    public static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".gan4j", "data");
    }

    /** The directory holding the training files, or a clear error naming every place looked at. */
    public static Path locate(Choices.Dataset dataset, String explicit) {
        List<Path> dirs = searchPath(dataset, explicit);
        for (Path d : dirs) {
            if (find(d, TRAIN_IMAGES) != null) {
                return d;
            }
        }
        if (explicit != null) {
            if (!Files.isDirectory(Path.of(explicit))) {
                throw new DataException("data.path: no such directory " + explicit);
            }
            throw new DataException("data.path: " + explicit + " holds no " + TRAIN_IMAGES
                    + "[.gz] (nor does " + Path.of(explicit).resolve(dataset.toString()) + ")");
        }
        throw new DataException("dataset " + dataset + " not found; looked in " + dirs
                + ". Run 'gan4j data fetch " + dataset + "' or set GAN4J_DATA");
    }

    /** The file {@code base} or {@code base.gz} in {@code dir}, or null. */
    static Path find(Path dir, String base) {
        for (String n : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Loads the training split, pixels scaled from [0, 255] to [-1, 1]; {@code limit} 0 = all. */
    public static ArrayDataset loadTrain(Choices.Dataset dataset, String explicit, int limit) {
        Path dir = locate(dataset, explicit);
        return load(dataset.toString(), find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), limit);
    }

    /** The test split (t10k files) beside the training files, or null where it is absent. */
    public static ArrayDataset loadTestIfPresent(Choices.Dataset dataset, String explicit) {
        Path dir = locate(dataset, explicit);
        Path images = find(dir, TEST_IMAGES);
        Path labels = find(dir, TEST_LABELS);
        return images == null || labels == null ? null : load(dataset + "-test", images, labels, 0);
    }

    public static ArrayDataset load(String name, Path imagesFile, Path labelsFile, int limit) {
        Idx.Array images = Idx.read(imagesFile, 3);
        int n = images.count();
        int h = images.dims()[1];
        int w = images.dims()[2];
        int[] labels = null;
        if (labelsFile != null) {
            Idx.Array l = Idx.read(labelsFile, 1);
            if (l.count() != n) {
                throw new DataException(labelsFile + ": " + l.count() + " labels for " + n
                        + " images in " + imagesFile);
            }
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = l.data()[i] & 0xff;
            }
        }
        int keep = limit > 0 ? Math.min(limit, n) : n;
        float[] values = new float[keep * h * w];
        byte[] px = images.data();
        for (int i = 0; i < values.length; i++) {
            values[i] = (px[i] & 0xff) / 127.5f - 1f;
        }
        if (labels != null && keep < n) {
            labels = java.util.Arrays.copyOf(labels, keep);
        }
        int classes = 0;
        if (labels != null) {
            for (int c : labels) {
                classes = Math.max(classes, c + 1);
            }
        }
        return new ArrayDataset(name, values, new long[] {1, h, w}, labels, classes);
    }
}
