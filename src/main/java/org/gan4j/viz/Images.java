package org.gan4j.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.gan4j.config.UserError;
import org.gan4j.nn.Archives;

/** Turns generated images in [-1, 1], laid out (N, C, H, W), into PNG files. */
public final class Images {
    private Images() {
    }

    /** Image i of the batch as an 8-bit grey or RGB picture. */
    public static BufferedImage image(float[] v, int i, int c, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int base = i * c * h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, toByte(v[base + y * w + x]));
                } else {
                    int r = toByte(v[base + y * w + x]);
                    int g = toByte(v[base + h * w + y * w + x]);
                    int b = toByte(v[base + 2 * h * w + y * w + x]);
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    /** n images in a grid of {@code cols} columns, 2-pixel gaps. */
    public static BufferedImage grid(float[] v, int n, int c, int h, int w, int cols) {
        int rows = (n + cols - 1) / cols;
        int pad = 2;
        BufferedImage out = new BufferedImage(cols * (w + pad) + pad, rows * (h + pad) + pad,
                c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        for (int i = 0; i < n; i++) {
            g.drawImage(image(v, i, c, h, w), pad + (i % cols) * (w + pad), pad + (i / cols) * (h + pad), null);
        }
        g.dispose();
        return out;
    }

    /** Writes a PNG through a temporary file, so a reader never sees half an image. */
    public static void writePng(BufferedImage img, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(file.getFileName() + ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file.toAbsolutePath().getParent().resolve(file.getFileName() + ".tmp"));
            } catch (IOException ignored) {
                // the write's own error is the one to report
            }
            throw new UserError(file + ": cannot be written (" + Archives.reason(e, file) + ")"
                    + (Files.exists(file) ? "; the previous file is intact" : ""));
        }
    }

    private static int toByte(float x) {
        int b = Math.round((x + 1f) * 127.5f);
        return Math.max(0, Math.min(255, b));
    }
}
