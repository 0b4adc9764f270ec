package org.gan4j.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.GenInput;
import org.gan4j.nn.Devices;

/**
 * What G is given for a batch of fakes. The default draws z ~ N(0, I) and, for a conditional G,
 * classes uniformly; an image-to-image task passes the real batch's input on instead. Noise is
 * drawn on the CPU from torch's generator (reseeded each step) and copied to the device.
 */
public interface InputSource {
    GenInput draw(int n, RealBatch real, Device device);

    /**
     * z (n, zDim) and, where {@code classes} > 0, uniform labels; {@code pairedLabels} repeats the
     * first half's labels in the second (mode seeking pairs sample i with i + n/2).
     */
    static InputSource noise(int zDim, int classes, boolean pairedLabels) {
        return (n, real, device) -> {
            Tensor z = Devices.onDevice(torch.randn(n, zDim), device);
            Tensor y = null;
            if (classes > 0) {
                if (pairedLabels) {
                    Tensor half = torch.randint(classes, new long[] {n / 2});
                    y = torch.cat(new TensorVector(half, half));
                } else {
                    y = torch.randint(classes, new long[] {n});
                }
                y = Devices.onDevice(y, device);
            }
            return new GenInput(z, y, null);
        };
    }

    /**
     * z (n, zDim) and labels drawn with probabilities {@code shares} (a cluster prior's), paired
     * as in {@link #noise(int, int, boolean)} where {@code pairedLabels}.
     */
    static InputSource noise(int zDim, double[] shares, boolean pairedLabels) {
        float[] w = new float[shares.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) shares[i];
        }
        return (n, real, device) -> {
            Tensor z = Devices.onDevice(torch.randn(n, zDim), device);
            Tensor p = org.gan4j.nn.Tensors.fromFloats(w, w.length);
            Tensor y;
            if (pairedLabels) {
                Tensor half = torch.multinomial(p, n / 2, true, null);
                y = torch.cat(new TensorVector(half, half));
            } else {
                y = torch.multinomial(p, n, true, null);
            }
            return new GenInput(z, Devices.onDevice(y, device), null);
        };
    }

    /** The real batch's conditioning input (image-to-image): G maps it to the target. */
    static InputSource fromBatch() {
        return (n, real, device) -> new GenInput(null, real.labels(), real.input());
    }
}
