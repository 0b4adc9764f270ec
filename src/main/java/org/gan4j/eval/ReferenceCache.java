package org.gan4j.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real-data side of an evaluation (features of the reference and held-out images, the
 * reference's neighbour radii, the real floor's metrics) depends only on the extractor, the
 * images, the split and the seed, so it is kept on disk and later evaluations of any generator
 * skip it, as FID tools keep their reference statistics. Entries are keyed by a SHA-256 of all
 * those inputs; an unreadable entry is recomputed, and failing to write one only costs time.
 */
public final class ReferenceCache {
    private static final String MAGIC = "gan4j-reference-v2"; // bump when a floor metric's formula changes

    private ReferenceCache() {
    }

    /** What an evaluation computes from real images alone. */
    public record Entry(Evaluation.Scored reference, Evaluation.Scored heldOut, double[] radii, Map<String, Double> floor) {
    }

    /** {@code $GAN4J_CACHE/eval}, else {@code ~/.gan4j/cache/eval}. */
    public static Path defaultDir() {
        String env = System.getenv("GAN4J_CACHE");
        Path root = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".gan4j", "cache");
        return root.resolve("eval");
    }

    /** The key of one real-data side: every input it depends on. */
    public static String key(Path extractor, float[] images, int[] labels, int nRef, int heldOut, long seed) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update(MAGIC.getBytes(StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(extractor)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0;) {
                md.update(buf, 0, r);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : images) {
            if (b.remaining() < 4) {
                md.update(b.array(), 0, b.position());
                b.clear();
            }
            b.putFloat(v);
        }
        for (int v : labels == null ? new int[0] : labels) {
            if (b.remaining() < 4) {
                md.update(b.array(), 0, b.position());
                b.clear();
            }
            b.putInt(v);
        }
        md.update(b.array(), 0, b.position());
        md.update(ByteBuffer.allocate(24).putLong(nRef).putLong(heldOut).putLong(seed).array());
        return HexFormat.of().formatHex(md.digest());
    }

    /** The entry stored under {@code key}, or null when there is none or it cannot be read. */
    public static Entry read(Path dir, String key) {
        Path file = dir.resolve(key + ".bin");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (!MAGIC.equals(string(b)) || !key.equals(string(b))) {
                throw new IOException("not an entry for this key");
            }
            Evaluation.Scored ref = scored(b);
            Evaluation.Scored held = scored(b);
            double[] radii = new double[b.getInt()];
            b.asDoubleBuffer().get(radii);
            b.position(b.position() + 8 * radii.length);
            Map<String, Double> floor = new LinkedHashMap<>();
            for (int i = b.getInt(); i > 0; i--) {
                floor.put(string(b), b.getDouble());
            }
            if (b.hasRemaining()) {
                throw new IOException("trailing bytes");
            }
            return new Entry(ref, held, radii, floor);
        } catch (IOException | RuntimeException e) {
            System.err.println("gan4j: ignoring damaged reference cache " + file + " (" + reason(e) + "); recomputing");
            return null;
        }
    }

    /** Stores {@code e} under {@code key} (written to a temporary file, then renamed). */
    public static void write(Path dir, String key, Entry e) {
        try {
            Files.createDirectories(dir);
            int floats = e.reference().features().length + e.reference().probabilities().length
                    + e.heldOut().features().length + e.heldOut().probabilities().length;
            ByteBuffer b = ByteBuffer.allocate(1024 + 4 * floats + 8 * e.radii().length
                    + e.floor().size() * 80).order(ByteOrder.LITTLE_ENDIAN);
            putString(b, MAGIC);
            putString(b, key);
            putScored(b, e.reference());
            putScored(b, e.heldOut());
            b.putInt(e.radii().length);
            for (double v : e.radii()) {
                b.putDouble(v);
            }
            b.putInt(e.floor().size());
            for (Map.Entry<String, Double> m : e.floor().entrySet()) {
                putString(b, m.getKey());
                b.putDouble(m.getValue());
            }
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, java.util.Arrays.copyOf(b.array(), b.position()));
            Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException ex) {
            System.err.println("gan4j: could not cache the reference in " + dir + " (" + reason(ex) + ")");
        }
    }

    /** A truncated buffer throws without a message; name the exception then. */
    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName() + ", truncated or corrupt";
    }

    private static void putScored(ByteBuffer b, Evaluation.Scored s) {
        b.putInt(s.n());
        b.putInt(s.features().length);
        b.asFloatBuffer().put(s.features());
        b.position(b.position() + 4 * s.features().length);
        b.putInt(s.probabilities().length);
        b.asFloatBuffer().put(s.probabilities());
        b.position(b.position() + 4 * s.probabilities().length);
    }

    private static Evaluation.Scored scored(ByteBuffer b) {
        int n = b.getInt();
        float[] f = new float[b.getInt()];
        b.asFloatBuffer().get(f);
        b.position(b.position() + 4 * f.length);
        float[] p = new float[b.getInt()];
        b.asFloatBuffer().get(p);
        b.position(b.position() + 4 * p.length);
        return new Evaluation.Scored(f, p, n);
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length);
        b.put(bytes);
    }

    private static String string(ByteBuffer b) throws IOException {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new IOException("bad string length " + len);
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
