package org.gan4j.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Every PNG, JPEG, BMP or GIF under a directory (recursively, in path order), as RGB images
 * whose shorter side is scaled to the model's size and then centre-cropped to a square.
 * Files that cannot be decoded are named on stderr and left out; none readable is an error.
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolder() {
    }

    public static ArrayDataset load(String path, int size, int limit) {
        if (path == null) {
            throw new DataException("data.path: data.dataset 'image-folder' needs the directory of images");
        }
        Path dir = Path.of(path);
        if (!Files.isDirectory(dir)) {
            throw new DataException("data.path: no such directory " + path);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        if (limit > 0 && files.size() > limit) {
            files = files.subList(0, limit);
        }
        long perImage = 3L * size * size;
        // the decoded images and their copy into one array: refused up front, not by an OOM mid-load
        double need = 2.0 * 4 * perImage * files.size();
        long have = Runtime.getRuntime().maxMemory();
        if (need > 0.8 * have) {
            throw new DataException(String.format(Locale.ROOT,
                    "data.path: %d images at %dx%d need %.1f GB in memory, and this JVM may use %.1f GB; "
                            + "set data.limit (at most ~%d fit) or give Java more (-Xmx)",
                    files.size(), size, size, need / 1e9, have / 1e9, (long) (0.8 * have / (2.0 * 4 * perImage))));
        }
        if (perImage * files.size() > Integer.MAX_VALUE - 8) {
            throw new DataException(String.format(Locale.ROOT, "data.path: %d images at %dx%d are more values than one array holds; "
                    + "set data.limit (at most %d)", files.size(), size, size, (Integer.MAX_VALUE - 8) / perImage));
        }
        int per = (int) perImage;
        float[][] decoded = new float[files.size()][];
        String[] errors = new String[files.size()];
        List<Path> all = files;
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            try {
                BufferedImage img = decode(all.get(i));
                decoded[i] = chw(squareCrop(img, size));
            } catch (IOException | RuntimeException e) {
                errors[i] = String.valueOf(e.getMessage());
            } catch (OutOfMemoryError e) {
                errors[i] = "too large to decode in this JVM's memory";
            }
        });
        List<float[]> ok = new ArrayList<>();
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] != null) {
                ok.add(decoded[i]);
            } else {
                System.err.println("gan4j: skipped unreadable image " + files.get(i) + " (" + errors[i] + ")");
            }
        }
        if (ok.isEmpty()) {
            throw new DataException("data.path: no readable PNG/JPEG/BMP/GIF images under " + dir
                    + (files.isEmpty() ? "" : " (" + files.size() + " unreadable)"));
        }
        float[] values = new float[ok.size() * per];
        for (int i = 0; i < ok.size(); i++) {
            System.arraycopy(ok.get(i), 0, values, i * per, per);
        }
        return new ArrayDataset("image-folder", values, new long[] {3, size, size}, null, 0);
    }

    /** The most pixels one image may declare: a hostile header's 60,000 x 60,000 is not allocated. */
    static final long MAX_PIXELS = 64L << 20;

    /** Decodes one file, its declared size checked before any pixel is allocated. */
    static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot be opened");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a decodable image");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                long w = r.getWidth(0);
                long h = r.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                    throw new IOException("declares " + w + "x" + h + " pixels (at most " + MAX_PIXELS + " are decoded)");
                }
                BufferedImage img = r.read(0);
                if (img == null) {
                    throw new IOException("not a decodable image");
                }
                return img;
            } finally {
                r.dispose();
            }
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** Scales the shorter side to {@code size} (halving first, so large images do not alias), crops the centre. */
    static BufferedImage squareCrop(BufferedImage img, int size) {
        BufferedImage cur = toRgb(img);
        while (Math.min(cur.getWidth(), cur.getHeight()) >= 2 * size) {
            cur = scale(cur, cur.getWidth() / 2, cur.getHeight() / 2);
        }
        int w = cur.getWidth();
        int h = cur.getHeight();
        double f = (double) size / Math.min(w, h);
        int sw = Math.max(size, (int) Math.round(w * f));
        int sh = Math.max(size, (int) Math.round(h * f));
        BufferedImage scaled = scale(cur, sw, sh);
        return scaled.getSubimage((sw - size) / 2, (sh - size) / 2, size, size);
    }

    private static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage scale(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** RGB pixels as (3, H, W) floats in [-1, 1]. */
    static float[] chw(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] v = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int p = y * w + x;
                v[p] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
                v[w * h + p] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
                v[2 * w * h + p] = (rgb & 0xff) / 127.5f - 1f;
            }
        }
        return v;
    }
}
