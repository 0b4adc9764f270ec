package org.gan4j.nn;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.Choices.DeviceKind;
import org.gan4j.config.ConfigException;

/** Chooses where tensors live: CUDA when asked for or present, else the CPU. */
public final class Devices {
    private Devices() {
    }

    public static Device resolve(DeviceKind kind) {
        boolean cuda = torch.cuda_is_available();
        return switch (kind) {
            case CPU -> new Device(torch.DeviceType.CPU);
            case CUDA -> {
                if (!cuda) {
                    throw new ConfigException("device: 'cuda' asked for, but no CUDA device is available"
                            + " (build with -Pcuda on a machine with an NVIDIA GPU, or set device: cpu)");
                }
                yield new Device(torch.DeviceType.CUDA);
            }
            case AUTO -> new Device(cuda ? torch.DeviceType.CUDA : torch.DeviceType.CPU);
        };
    }

    /** Sets libtorch's intra-op threads; 0 picks one per physical core ({@link #defaultThreads}). */
    public static void threads(int n) {
        libtorchDefault(); // read before the first change
        int t = n > 0 ? n : defaultThreads();
        if (t != torch.get_num_threads()) {
            torch.set_num_threads(t);
        }
        // libtorch's matrix products go to OpenBLAS, whose own pool otherwise takes every vCPU:
        // idle threads spin and a toy step ran 4x slower (40 against 168 steps/s here)
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(t);
    }

    /**
     * One thread per physical core. libtorch counts a virtual machine's vCPUs as cores, but
     * cloud vCPUs come in hyperthread pairs of one core: on this project's 2-vCPU machines two
     * threads gave sgemm 284 against 271 GFLOP/s on one, a DCGAN step 299 against 275 ms and
     * an evaluation 2-3x slower. OMP_NUM_THREADS, where set, is left to decide.
     */
    public static int defaultThreads() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (System.getenv("OMP_NUM_THREADS") == null && cpus >= 2 && cpus % 2 == 0 && virtualised()) {
            return cpus / 2;
        }
        return libtorchDefault();
    }

    private static int libtorchDefault = -1;

    /** libtorch's own choice, read before gan4j first changes it. */
    private static synchronized int libtorchDefault() {
        if (libtorchDefault < 0) {
            libtorchDefault = torch.get_num_threads();
        }
        return libtorchDefault;
    }

    private static boolean virtualised() {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            return lines.anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    public static boolean isCuda(Device d) {
        return d.is_cuda();
    }
}
