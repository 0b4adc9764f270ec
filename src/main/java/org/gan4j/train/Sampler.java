package org.gan4j.train;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.UserError;
import org.gan4j.models.CategoricalLatent;
import org.gan4j.models.ClusterPrior;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.gan4j.nn.Devices;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;

/** Draws samples from a trained generator, the same way for every command. */
public final class Sampler {
    private Sampler() {
    }

    /** The checkpoint's generator in eval mode: its EMA copy where it has one, unless {@code raw}. */
    public static Generator load(Path checkpoint, boolean raw) {
        Generator g = Models.generator(Checkpoint.header(checkpoint).config(checkpoint.toString()));
        Checkpoint.loadSampler(checkpoint, g, raw);
        SpeedPaths.choose(true).prepare(g, false); // gan4j.fast_paths=false gives libtorch's own kernels
        g.eval();
        return g;
    }

    /**
     * n samples from z ~ N(0, I) drawn with {@code seed}, as floats (N, sampleShape...); a
     * class-conditional G spreads them evenly over its classes.
     */
    public static float[] draw(Generator g, int n, long seed) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(seed);
            return forwardInChunks(g, torch.randn(n, g.zDim()), null);
        }
    }

    /**
     * Batches this size keep a DCGAN's activations in cache: 10,000 samples in one batch ran
     * ~2x slower than in chunks (seen here).
     */
    private static final int CHUNK = 256;

    /** G(z, y) for all rows, CHUNK at a time (eval mode: each sample independent of the others). */
    private static float[] forwardInChunks(Generator g, Tensor z, Tensor y) {
        long n = z.size(0);
        long per = 1;
        for (long d : g.sampleShape()) {
            per *= d;
        }
        float[] out = new float[(int) (n * per)];
        // noise is drawn on the CPU (the same samples whatever the device), then joins G
        org.bytedeco.pytorch.Device device = org.gan4j.nn.Params.device(g);
        for (long from = 0; from < n; from += CHUNK) {
            try (PointerScope inner = new PointerScope()) {
                long len = Math.min(CHUNK, n - from);
                Tensor zc = z.narrow(0, from, len);
                // the balanced labels of an unlabelled draw follow the sample's index in the whole draw
                Tensor yc = y != null ? y.narrow(0, from, len)
                        : g.classes() > 0 ? torch.arange(new org.bytedeco.pytorch.Scalar(from), new org.bytedeco.pytorch.Scalar(from + len))
                                .remainder(new org.bytedeco.pytorch.Scalar(g.classes())).toType(torch.ScalarType.Long) : null;
                zc = Devices.onDevice(zc, device);
                float[] part = Tensors.toFloats(yc == null ? g.forward(zc) : g.forward(zc, Devices.onDevice(yc, device)));
                System.arraycopy(part, 0, out, (int) (from * per), part.length);
            }
        }
        return out;
    }

    /** Classes of a class-conditional G, components of a G with latent components, clusters of a cluster prior, else 0. */
    public static int choices(Generator g) {
        return g instanceof CategoricalLatent c ? c.components() : g instanceof ClusterPrior p ? p.clusters() : g.classes();
    }

    /**
     * n samples, sample i of class {@code labels[i]}, from a class-conditional G; from a G with
     * latent components, of component {@code labels[i]}.
     */
    public static float[] draw(Generator g, int[] labels, long seed) {
        int classes = choices(g);
        for (int k : labels) {
            if (k < 0 || k >= classes) {
                throw new UserError(classes == 0
                        ? "--class: this generator is neither class-conditional (model.conditioning: none) nor has latent components"
                        : "--class: must be in [0, " + (classes - 1) + "], got " + k);
            }
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(seed);
            return forwardInChunks(g, torch.randn(labels.length, g.zDim()), Tensors.fromInts(labels));
        }
    }
}
