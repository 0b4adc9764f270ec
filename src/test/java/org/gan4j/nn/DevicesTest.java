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

    @Test
    void coresComeFromLinuxTopologyOnePerGroupOfHyperThreads() {
        assertThat(Devices.cpuList("0-3,6, 8-9")).containsExactly(0, 1, 2, 3, 6, 8, 9);
        assertThat(Devices.cpuList("5")).containsExactly(5);
        // two hyper-threads of one core, two cores alone, and one core in a second package
        assertThat(Devices.distinctCores(java.util.Map.of(0, "0/0,4", 4, "0/0,4", 1, "0/1", 2, "0/2", 3, "1/2")))
                .isEqualTo(4);
        int cores = Devices.linuxCores();
        assertThat(cores).isNotNegative();
        if (System.getenv("OMP_NUM_THREADS") == null) {
            // the default never uses fewer threads than the cores the process may use
            assertThat(Devices.defaultThreads())
                    .isGreaterThanOrEqualTo(Math.min(cores, Runtime.getRuntime().availableProcessors()));
        }
    }

    @Test
    void theCpuBuildKeepsTheCpuNativesAndAutoPicksTheCpuWithoutCuda() {
        String key = "org.bytedeco.javacpp.platform.extension";
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            Natives.preferGpuNatives(); // the test class path holds libtorch's CPU build only
            assertThat(System.getProperty(key)).isNull();
            System.setProperty(key, "-custom");
            Natives.preferGpuNatives(); // a user's own choice stands
            assertThat(System.getProperty(key)).isEqualTo("-custom");
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
        org.bytedeco.pytorch.Device d = Devices.resolve(org.gan4j.config.Choices.DeviceKind.AUTO);
        assertThat(d.is_cuda()).isEqualTo(torch.cuda_is_available());
        Devices.synchronize(d); // nothing queued on the CPU: returns at once
    }
}
