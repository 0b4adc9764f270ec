package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllocatorTest {
    private static final String LIBC = "7f0c3a000000-7f0c3a028000 r--p 00000000 fe:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String HEAP = "55d1c6a4e000-55d1c6a6f000 rw-p 00000000 00:00 0 [heap]";

    @Test
    void namesTheMallocMappedIntoTheProcess() {
        assertThat(NativeMemory.allocatorOf(List.of(HEAP, LIBC,
                "7f0c39c00000-7f0c39c2e000 r-xp 00000000 fe:01 99 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10")))
                .isEqualTo("tcmalloc");
        assertThat(NativeMemory.allocatorOf(List.of(LIBC, "7f0c39c00000-7f0c39c2e000 r-xp 0 fe:01 7 /opt/lib/libjemalloc.so.2")))
                .isEqualTo("jemalloc");
    }

    @Test
    void glibcWhereNoOtherMallocIsMapped() {
        // a path that merely contains an allocator's name is not its library
        assertThat(NativeMemory.allocatorOf(List.of(HEAP, LIBC, "7f0c3b000000-7f0c3b001000 r--p 0 fe:01 8 /home/tcmalloc/libfoo.so")))
                .isEqualTo("glibc");
        assertThat(NativeMemory.allocatorOf(List.of())).isEqualTo("glibc");
    }

    @Test
    void readsThisProcess() {
        // the test JVM runs on what LD_PRELOAD gives it: glibc's malloc unless a library is named
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        String expected = preload.contains("tcmalloc") ? "tcmalloc" : preload.contains("jemalloc") ? "jemalloc" : "glibc";
        assertThat(NativeMemory.allocator()).isEqualTo(expected);
    }
}
