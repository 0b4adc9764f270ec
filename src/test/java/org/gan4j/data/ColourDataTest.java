package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColourDataTest {
    @TempDir
    Path tmp;

    /** n CIFAR-10 records: label i % 10, red plane = i, green = 100, blue = 255. */
    private static byte[] records(int n, int first) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            int off = i * Cifar10.RECORD;
            b[off] = (byte) ((first + i) % 10);
            for (int p = 0; p < 1024; p++) {
                b[off + 1 + p] = (byte) (first + i);
                b[off + 1 + 1024 + p] = (byte) 100;
                b[off + 1 + 2048 + p] = (byte) 255;
            }
        }
        return b;
    }

    @Test
    void readsCifarBatchesInOrderFromTheArchiveFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cifar10").resolve(Cifar10.SUBDIR));
        Files.write(dir.resolve("data_batch_1.bin"), records(3, 0));
        Files.write(dir.resolve("data_batch_2.bin"), records(2, 3));
        ArrayDataset d = Cifar10.loadTrain(tmp.resolve("cifar10").toString(), 0);
        assertThat(d.size()).isEqualTo(5);
        assertThat(d.sampleShape()).containsExactly(3, 32, 32);
        assertThat(d.labels()).containsExactly(0, 1, 2, 3, 4);
        assertThat(d.classes()).isEqualTo(10);
        int s = d.sampleSize();
        assertThat(d.values()[4 * s]).isEqualTo(4 / 127.5f - 1f); // red plane of sample 4
        assertThat(d.values()[4 * s + 1024]).isEqualTo(100 / 127.5f - 1f);
        assertThat(d.values()[4 * s + 2048 + 1023]).isEqualTo(1f);
        assertThat(Cifar10.loadTrain(tmp.resolve("cifar10").toString(), 4).size()).isEqualTo(4);
    }

    @Test
    void truncatedOrMislabelledCifarFilesAreNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("c"));
        byte[] r = records(2, 0);
        Files.write(dir.resolve("data_batch_1.bin"), java.util.Arrays.copyOf(r, r.length - 7));
        assertThatThrownBy(() -> Cifar10.loadTrain(dir.toString(), 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("data_batch_1.bin").hasMessageContaining("3073");
        r[Cifar10.RECORD] = 12;
        Files.write(dir.resolve("data_batch_1.bin"), r);
        assertThatThrownBy(() -> Cifar10.loadTrain(dir.toString(), 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("record 1").hasMessageContaining("label 12");
        assertThatThrownBy(() -> Cifar10.loadTrain(tmp.resolve("none").toString(), 0))
                .isInstanceOf(DataException.class).hasMessageContaining("no such directory");
    }

    private static void png(Path f, int w, int h, Color left, Color right) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(right);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        Files.createDirectories(f.getParent());
        assertThat(ImageIO.write(img, f.toString().endsWith(".png") ? "png" : "jpg", f.toFile())).isTrue();
    }

    /**
     * A PNG whose header declares 60,000 x 60,000 pixels (14 GB decoded) is named and left out
     * before any pixel is allocated; the folder's other image loads.
     */
    @Test
    void anImageDeclaringHugeDimensionsIsSkippedUnallocated() throws Exception {
        Path dir = tmp.resolve("hostile");
        png(dir.resolve("ok.png"), 32, 32, Color.RED, Color.BLUE);
        byte[] b = Files.readAllBytes(dir.resolve("ok.png"));
        // IHDR's width and height follow the 8-byte signature, the chunk length and its type
        java.nio.ByteBuffer.wrap(b).putInt(16, 60_000).putInt(20, 60_000);
        Files.write(dir.resolve("huge.png"), b);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ArrayDataset d = loadNamingSkips(dir, err);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("huge.png").contains("declares 60000x60000 pixels");
        assertThat(d.size()).isEqualTo(1);
    }

    /** A folder that could not fit the heap at the model's size is refused before any image is decoded. */
    @Test
    void aFolderTooLargeForTheHeapIsRefusedWithTheFigures() throws Exception {
        Path dir = tmp.resolve("few");
        png(dir.resolve("a.png"), 8, 8, Color.RED, Color.BLUE);
        png(dir.resolve("b.png"), 8, 8, Color.RED, Color.BLUE);
        // each image 3 x 40,000^2 floats (19 GB) at this size, more than any test JVM's heap
        assertThatThrownBy(() -> ImageFolder.load(dir.toString(), 40_000, 0)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("data.path: 2 images at 40000x40000 need").hasMessageContaining("data.limit");
    }

    /** The folder at 32 px, what it names on stderr (the files it skipped) caught in {@code err}. */
    private static ArrayDataset loadNamingSkips(Path dir, ByteArrayOutputStream err) {
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return ImageFolder.load(dir.toString(), 32, 0);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void folderImagesAreScaledCroppedAndUnreadableOnesNamed() throws Exception {
        Path dir = tmp.resolve("imgs");
        // 64x32, left red, right blue: the shorter side is already 32, the crop keeps x 16..47
        png(dir.resolve("a/wide.png"), 64, 32, Color.RED, Color.BLUE);
        // 128x128 green: halved twice to 32x32
        png(dir.resolve("b/big.jpg"), 128, 128, Color.GREEN, Color.GREEN);
        Files.writeString(dir.resolve("b/broken.png"), "not a png");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ArrayDataset d = loadNamingSkips(dir, err);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.png").doesNotContain("notes.txt");
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.sampleShape()).containsExactly(3, 32, 32);
        float[] v = d.values();
        // sample 0 (a/wide.png): column 2 red, column 29 blue
        assertThat(v[10 * 32 + 2]).isEqualTo(1f);
        assertThat(v[2 * 1024 + 10 * 32 + 2]).isEqualTo(-1f);
        assertThat(v[10 * 32 + 29]).isEqualTo(-1f);
        assertThat(v[2 * 1024 + 10 * 32 + 29]).isEqualTo(1f);
        // sample 1 (b/big.jpg): green everywhere, up to JPEG error
        int s = 3 * 1024;
        assertThat(v[s + 1024 + 500]).isGreaterThan(0.9f);
        assertThat(v[s + 500]).isLessThan(-0.9f);
        assertThatThrownBy(() -> ImageFolder.load(tmp.resolve("imgs/a/wide.png").toString(), 32, 0))
                .isInstanceOf(DataException.class).hasMessageContaining("no such directory");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ImageFolder.load(tmp.resolve("empty").toString(), 32, 0))
                .isInstanceOf(DataException.class).hasMessageContaining("no readable");
    }
}
