package org.gan4j.train;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
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
        Generator g = Models.generator(Checkpoint.header(checkpoint).config(checkpoint.toString()).model());
        Checkpoint.loadSampler(checkpoint, g, raw);
        g.eval();
        return g;
    }

    /** n samples from z ~ N(0, I) drawn with {@code seed}, as floats (N, sampleShape...). */
    public static float[] draw(Generator g, int n, long seed) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(seed);
            return Tensors.toFloats(g.forward(torch.randn(n, g.zDim())));
        }
    }
}
