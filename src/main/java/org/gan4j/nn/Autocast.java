package org.gan4j.nn;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * A region in which libtorch's autocast runs matmuls and convolutions in bfloat16 on the given
 * device (other ops keep float32); a no-op when off. Closing it turns autocast off and drops
 * its cache of cast weights, which is only valid while the weights do not change.
 */
public final class Autocast implements AutoCloseable {
    private final torch.DeviceType type;

    private Autocast(torch.DeviceType type) {
        this.type = type;
        if (type != null) {
            torch.set_autocast_dtype(type, torch.ScalarType.BFloat16);
            torch.set_autocast_enabled(type, true);
        }
    }

    /** Enters bf16 autocast on {@code device} when {@code on}. */
    public static Autocast bf16(boolean on, Device device) {
        return new Autocast(on ? device.type() : null);
    }

    @Override
    public void close() {
        if (type != null) {
            torch.set_autocast_enabled(type, false);
            torch.clear_cache();
        }
    }
}
