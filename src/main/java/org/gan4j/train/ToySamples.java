package org.gan4j.train;

import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.data.ToyMixtures;
import org.gan4j.eval.ModeCoverage;
import org.gan4j.models.Generator;
import org.gan4j.nn.Devices;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.gan4j.viz.Plots;

/** Points from a 2-D toy generator, scored by the PacGAN protocol and drawn over the mixture's modes. */
public final class ToySamples {
    /** Points scored and drawn per scatter. */
    public static final int POINTS = 2500;

    private ToySamples() {
    }

    /** n points from {@code g} in eval mode, from noise fixed by {@code seed} (the run's). */
    public static float[] draw(Generator g, int n, long seed, Device device) {
        boolean training = g.is_training();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            g.eval();
            Seeds.seedTorch(Seeds.mix(seed, -2));
            return Tensors.toFloats(g.forward(Devices.onDevice(torch.randn(n, g.zDim()), device)));
        } finally {
            g.train(training);
        }
    }

    /** PacGAN-protocol mode coverage against the ring of 8 ({@code ring}) or the grid of 25. */
    public static ModeCoverage coverage(boolean ring, float[] xy) {
        return ModeCoverage.of(xy, ring ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans(),
                ring ? ToyMixtures.RING_STD : ToyMixtures.GRID_STD);
    }

    /** A scatter of xy over the mixture's means, titled with its coverage. */
    public static void scatter(Path file, String title, boolean ring, float[] xy, ModeCoverage m) {
        Plots.scatter(file, String.format(Locale.ROOT, "%s: %d/%d modes, %.1f%% high quality", title,
                m.modesCovered(), m.modes(), 100 * m.highQualityShare()), xy,
                ring ? ToyMixtures.ringMeans() : ToyMixtures.gridMeans(), ring ? 1.5 : 6);
    }
}
