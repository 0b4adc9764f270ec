package org.gan4j.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.Choices.DeviceKind;
import org.gan4j.config.ConfigException;

/** Chooses where tensors live: CUDA when asked for or present, else the CPU. */
public final class Devices {
    private Devices() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
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
                yield cuda();
            }
            case AUTO -> cuda ? cuda() : new Device(torch.DeviceType.CPU);
        };
    }

    private static Device cuda() {
        // a GAN's batches keep one shape, so cuDNN's timed choice of kernels pays for itself
        torch.globalContext().setBenchmarkCuDNN(true);
        return new Device(torch.DeviceType.CUDA);
    }

    /**
     * Sets libtorch's intra-op threads; 0 picks one per physical core ({@link #defaultThreads}).
     * OpenBLAS, which computes libtorch's matrix products, keeps a second pool whose threads
     * spin between calls and starve libtorch's: a DCGAN step took 250 ms with both pools at 2
     * threads (no faster than 1 thread), 140 ms with OpenBLAS on one; a toy step ran 4x slower.
     * So OpenBLAS gets one thread; the step's convolutions and elementwise work use the rest.
     */
    public static void threads(int n) {
        libtorchDefault(); // read before the first change
        int t = n > 0 ? n : defaultThreads();
        if (t != torch.get_num_threads()) {
            torch.set_num_threads(t);
        }
        blasThreads(1);
    }

    /** OpenBLAS's thread count (its pool is separate from libtorch's). */
    public static void blasThreads(int n) {
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(n);
    }

    /**
     * One thread per physical core: OMP_NUM_THREADS where set (libtorch reads it), else the
     * larger of libtorch's own count and the cores Linux lists for this process. libtorch counts
     * cores through CPUID, which on some VMs (a 2-core AMD EPYC) reports one core for two: a
     * DCGAN step then ran on one thread, 278 ms against 119 ms on two.
     */
    public static int defaultThreads() {
        int libtorch = libtorchDefault();
        if (System.getenv("OMP_NUM_THREADS") != null) {
            return libtorch;
        }
        return Math.max(libtorch, Math.min(linuxCores(), Runtime.getRuntime().availableProcessors()));
    }

    /** Physical cores among the CPUs this process may use, from Linux's sysfs; 0 where unknown. */
    static int linuxCores() {
        try {
            String allowed = java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
            Map<Integer, String> siblings = new TreeMap<>();
            for (int cpu : cpuList(allowed)) {
                Path topo = Path.of("/sys/devices/system/cpu/cpu" + cpu + "/topology");
                siblings.put(cpu, java.nio.file.Files.readString(topo.resolve("physical_package_id")).trim()
                        + "/" + java.nio.file.Files.readString(topo.resolve("thread_siblings_list")).trim());
            }
            return distinctCores(siblings);
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // not Linux, or no topology: libtorch's count stands
        }
    }

    /** Cores in a map from CPU to its package and hyper-thread siblings: one per distinct group. */
    static int distinctCores(Map<Integer, String> siblingsByCpu) {
        return new java.util.HashSet<>(siblingsByCpu.values()).size();
    }

    /** The CPUs of a Linux CPU list such as "0-3,6,8-9". */
    static List<Integer> cpuList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
            int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
            for (int c = lo; c <= hi; c++) {
                cpus.add(c);
            }
        }
        return cpus;
    }

    private static int libtorchDefault = -1;

    /** libtorch's own choice, read before gan4j first changes it. */
    private static synchronized int libtorchDefault() {
        if (libtorchDefault < 0) {
            libtorchDefault = torch.get_num_threads();
        }
        return libtorchDefault;
    }

    /**
     * {@code t} on {@code d}, type kept. Data, noise and labels are made on the CPU (a seed gives
     * the same numbers everywhere), so on the CPU this is {@code t} itself.
     */
    public static Tensor onDevice(Tensor t, Device d) {
        return d.is_cuda() ? t.to(d, t.scalar_type()) : t;
    }

    /** Waits for the work queued on {@code d} (CUDA runs asynchronously; the CPU is synchronous). */
    public static void synchronize(Device d) {
        if (d.is_cuda()) {
            torch.cuda_synchronize(-1);
        }
    }
}
