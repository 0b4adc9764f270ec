package org.gan4j.train;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.eval.ModeCoverage;
import org.gan4j.models.Generator;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Tensors;
import org.gan4j.viz.Images;

/**
 * Writes step_NNNNNN.png into a folder every {@code every} steps and after the last: a grid of
 * the sampling generator's images from one noise batch fixed by the seed (a class-conditional G
 * gives one column per class), or for a 2-D toy a scatter over the mixture's modes.
 */
public final class SampleListener implements TrainingListener {
    private final Path dir;
    private final int every;
    private final int n;
    private final String toyTitle;
    private final boolean ring;
    private Tensor fixedNoise;
    private ModeCoverage lastCoverage;

    /** Grids of {@code n} images. */
    public SampleListener(Path dir, int every, int n) {
        this(dir, every, n, null, false);
    }

    private SampleListener(Path dir, int every, int n, String toyTitle, boolean ring) {
        this.dir = dir;
        this.every = every;
        this.n = n;
        this.toyTitle = toyTitle;
        this.ring = ring;
    }

    /** Scatters of {@link ToySamples#POINTS} points over the ring of 8 ({@code ring}) or the grid of 25. */
    public static SampleListener toy(Path dir, int every, String title, boolean ring) {
        return new SampleListener(dir, every, 0, title, ring);
    }

    @Override
    public void onFitStart(Trainer t) {
        if (toyTitle == null && fixedNoise == null) {
            Seeds.seedTorch(Seeds.mix(t.seed(), -1));
            fixedNoise = torch.randn(n, t.generator().zDim()).to(t.device(), torch.ScalarType.Float);
            fixedNoise.retainReference();
        }
    }

    @Override
    public void onStep(Trainer t) {
        if (every > 0 && t.step() % every == 0) {
            write(t);
        }
    }

    @Override
    public void onFitEnd(Trainer t) {
        write(t);
    }

    /** Mode coverage of the last toy scatter written (null for images). */
    public ModeCoverage lastCoverage() {
        return lastCoverage;
    }

    private void write(Trainer t) {
        Generator s = t.sampler();
        Path file = dir.resolve(String.format("step_%06d.png", t.step()));
        if (toyTitle != null) {
            float[] xy = ToySamples.draw(s, ToySamples.POINTS, t.seed(), t.device());
            lastCoverage = ToySamples.coverage(ring, xy);
            ToySamples.scatter(file, toyTitle + " step " + t.step(), ring, xy, lastCoverage);
            return;
        }
        boolean training = t.generator().is_training();
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            t.generator().eval();
            long[] shape = s.sampleShape();
            float[] v = Tensors.toFloats(s.forward(fixedNoise));
            int cols = s.classes() > 0 ? s.classes() : (int) Math.ceil(Math.sqrt(n));
            Images.writePng(Images.grid(v, n, (int) shape[0], (int) shape[1], (int) shape[2], cols), file);
        } finally {
            t.generator().train(training);
        }
    }
}
