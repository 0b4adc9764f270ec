package org.gan4j.train;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.UserError;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
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
            return Tensors.toFloats(g.forward(torch.randn(n, g.zDim())));
        }
    }

    /** n samples, sample i of class {@code labels[i]}, from a class-conditional G. */
    public static float[] draw(Generator g, int[] labels, long seed) {
        for (int k : labels) {
            if (k < 0 || k >= g.classes()) {
                throw new UserError(g.classes() == 0
                        ? "--class: this generator is not class-conditional (model.conditioning: none)"
                        : "--class: must be in [0, " + (g.classes() - 1) + "], got " + k);
            }
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(seed);
            return Tensors.toFloats(g.forward(torch.randn(labels.length, g.zDim()), Tensors.fromInts(labels)));
        }
    }
}
