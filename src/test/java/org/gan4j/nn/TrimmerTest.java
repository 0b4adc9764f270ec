package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrimmerTest {
    private final Deque<Long> readings = new ArrayDeque<>();
    private int trimmed;

    private NativeMemory.Trimmer trimmer(long... rss) {
        for (long r : rss) {
            readings.add(r);
        }
        return new NativeMemory.Trimmer(0.01, readings::removeFirst, () -> trimmed++);
    }

    @Test
    void trimsOnlyOnceMemoryHasGrownPastTheShare() {
        NativeMemory.Trimmer t = trimmer(1000, 1005, 1010, 1011);
        t.check(); // the reference
        t.check(); // +0.5%
        t.check(); // +1.0%: not past it
        assertThat(trimmed).isZero();
        t.check(); // +1.1%
        assertThat(trimmed).isEqualTo(1);
        assertThat(t.trims()).isEqualTo(1);
    }

    @Test
    void theFirstCheckAfterATrimTakesANewReference() {
        // after the trim, memory refills to the working set (1200 here) without another trim
        NativeMemory.Trimmer t = trimmer(1000, 1020, 1200, 1205, 1213);
        for (int i = 0; i < 4; i++) {
            t.check();
        }
        assertThat(trimmed).isEqualTo(1);
        t.check(); // 1213 > 1200 * 1.01
        assertThat(trimmed).isEqualTo(2);
        assertThat(readings).isEmpty();
    }

    @Test
    void noReadingNoTrim() {
        NativeMemory.Trimmer t = trimmer(0, 0, 0);
        for (int i = 0; i < 3; i++) {
            t.check();
        }
        assertThat(trimmed).isZero();
        assertThat(List.copyOf(readings)).isEmpty();
    }

    @Test
    void readsThisProcess() {
        assertThat(NativeMemory.resident()).isPositive();
    }
}
