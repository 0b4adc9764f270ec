package org.gan4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceCacheTest {
    @TempDir
    Path dir;

    private static Evaluation.Scored scored(int n, float base) {
        float[] f = new float[n * 3];
        float[] p = new float[n * 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = base + i * 0.25f;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = i % 2 == 0 ? 0.75f : 0.25f;
        }
        return new Evaluation.Scored(f, p, n);
    }

    @Test
    void anEntryReadsBackAsWrittenAndOnlyUnderItsOwnKey() throws Exception {
        Path extractor = Files.write(dir.resolve("x.pt"), new byte[] {1, 2, 3});
        float[] images = {0.5f, -1f, 0.25f, 1f};
        int[] labels = {0, 1};
        String key = ReferenceCache.key(extractor, images, labels, 1, 1, 7);
        assertThat(ReferenceCache.key(extractor, images, labels, 1, 1, 8)).isNotEqualTo(key);
        assertThat(ReferenceCache.key(extractor, new float[] {0.5f, -1f, 0.25f, 0.9f}, labels, 1, 1, 7)).isNotEqualTo(key);
        Files.write(dir.resolve("y.pt"), new byte[] {1, 2, 4});
        assertThat(ReferenceCache.key(dir.resolve("y.pt"), images, labels, 1, 1, 7)).isNotEqualTo(key);

        Map<String, Double> floor = new LinkedHashMap<>();
        floor.put("fid", 2.5);
        floor.put("kid", -0.125);
        double[] radii = {0.5, 1.5, 2.5, 3.5, 4.5};
        Path cache = dir.resolve("cache");
        assertThat(ReferenceCache.read(cache, key)).isNull();
        ReferenceCache.write(cache, key, new ReferenceCache.Entry(scored(4, 1f), scored(2, -3f), radii, floor));
        ReferenceCache.Entry e = ReferenceCache.read(cache, key);
        assertThat(e).isNotNull();
        assertThat(e.reference().n()).isEqualTo(4);
        assertThat(e.reference().features()).containsExactly(scored(4, 1f).features());
        assertThat(e.heldOut().probabilities()).containsExactly(scored(2, -3f).probabilities());
        assertThat(e.radii()).containsExactly(radii);
        assertThat(e.floor()).containsExactlyEntriesOf(floor);
        assertThat(ReferenceCache.read(cache, ReferenceCache.key(extractor, images, labels, 1, 1, 8))).isNull();
    }

    @Test
    void aDamagedEntryIsIgnored() throws Exception {
        Path cache = dir.resolve("cache");
        ReferenceCache.write(cache, "k", new ReferenceCache.Entry(scored(4, 1f), scored(2, 0f), new double[] {1}, Map.of("fid", 1.0)));
        Path file = cache.resolve("k.bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertThat(ReferenceCache.read(cache, "k")).isNull();
    }
}
