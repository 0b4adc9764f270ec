package org.gan4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.NativeMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class BenchStepTest {
    /** The bench's own sgemm products must not count as training's peak memory. */
    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "resident memory is read from Linux's /proc")
    void peakRssResetsOnceFreedMemoryIsGivenBack() {
        try (PointerScope scope = new PointerScope()) {
            torch.ones(64L << 20).sum(); // 256 MB, touched
        }
        long peak = BenchStep.rssKb("VmHWM");
        NativeMemory.trim();
        BenchStep.resetPeakRss();
        long after = BenchStep.rssKb("VmHWM");
        assertThat(peak).isPositive();
        assertThat(after).isLessThan(peak - (128L << 10));
    }
}
