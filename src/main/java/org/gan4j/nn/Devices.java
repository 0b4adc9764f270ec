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

    /** Sets libtorch's intra-op threads; 0 keeps its default (all cores). */
    public static void threads(int n) {
        if (n > 0) {
            torch.set_num_threads(n);
        }
    }

    public static boolean isCuda(Device d) {
        return d.is_cuda();
    }
}
