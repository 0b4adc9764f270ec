package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class DevicesTest {
    @Test
    void zeroThreadsMeansOnePerPhysicalCoreAndAnExplicitCountWins() {
        int before = torch.get_num_threads();
        try {
            int auto = Devices.defaultThreads();
            assertThat(auto).isBetween(1, Runtime.getRuntime().availableProcessors());
            Devices.threads(3);
            assertThat(torch.get_num_threads()).isEqualTo(3);
            Devices.threads(0);
            assertThat(torch.get_num_threads()).isEqualTo(auto);
            // OpenBLAS's own pool stays at one thread: its spinning threads starve libtorch's
            Devices.blasThreads(2);
            Devices.threads(2);
            assertThat(torch.get_num_threads()).isEqualTo(2);
            assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(1);
        } finally {
            Devices.threads(before);
        }
    }
}
