package org.gan4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gan4j.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path tmp;

    @Test
    void readsRawAndGzip() throws Exception {
        byte[] data = {0, 1, 2, (byte) 255, 4, 5};
        for (boolean gz : new boolean[] {true, false}) {
            Path f = tmp.resolve("a" + gz);
            TestData.writeIdx(f, 0x803, new int[] {1, 2, 3}, data, gz);
            Idx.Array a = Idx.read(f, 3);
            assertThat(a.dims()).containsExactly(1, 2, 3);
            assertThat(a.data()).containsExactly(data);
        }
    }

    @Test
    void wrongMagicNamesFileAndValues() throws Exception {
        Path f = tmp.resolve("labels");
        TestData.writeIdx(f, 0x801, new int[] {3}, new byte[3], false);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(DataException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("0x00000801")
                .hasMessageContaining("0x00000803");
    }

    /** A header promising 2 GB in a file of a few bytes: named as truncated, without allocating the 2 GB first. */
    @Test
    void aHugeDeclaredSizeIsNotAllocated() throws Exception {
        Path f = tmp.resolve("huge");
        TestData.writeIdx(f, 0x803, new int[] {2_000_000, 32, 32}, new byte[16], false);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(DataException.class)
                .hasMessageContaining("truncated").hasMessageContaining("2048000000");
    }

    /** Found by FuzzIT: three dimensions near 2^31 overflowed the size's long into a negative array length. */
    @Test
    void dimensionsWhoseProductOverflowsAreNamed() throws Exception {
        Path f = tmp.resolve("overflow");
        TestData.writeIdx(f, 0x803, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[16], false);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(DataException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("too many values");
    }

    @Test
    void truncatedData() throws Exception {
        Path f = tmp.resolve("short.gz");
        TestData.writeIdx(f, 0x803, new int[] {2, 28, 28}, new byte[100], true);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(DataException.class)
                .hasMessageContaining("truncated").hasMessageContaining("1568");
    }

    @Test
    void truncatedHeaderAndCorruptGzip() throws Exception {
        Path f = tmp.resolve("tiny");
        Files.write(f, new byte[] {0, 0, 8});
        assertThatThrownBy(() -> Idx.read(f, 3)).hasMessageContaining("header");
        Path g = tmp.resolve("bad.gz");
        Files.write(g, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5});
        assertThatThrownBy(() -> Idx.read(g, 3)).isInstanceOf(DataException.class).hasMessageContaining(g.toString());
    }

    @Test
    void trailingBytesAreRejected() throws Exception {
        Path f = tmp.resolve("long");
        TestData.writeIdx(f, 0x801, new int[] {2}, new byte[3], false);
        assertThatThrownBy(() -> Idx.read(f, 1)).hasMessageContaining("longer");
    }
}
