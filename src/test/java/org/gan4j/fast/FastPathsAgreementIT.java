package org.gan4j.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.TestData;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Net;
import org.gan4j.nn.Params;
import org.gan4j.nn.Tensors;
import org.gan4j.train.Experiment;
import org.gan4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped configs (at batch 32, to keep this short) trained 50 steps with the fast paths on and off: the same maths, so the
 * weights agree up to float32 rounding carried through the run. Dropout is off here: each pass
 * draws its masks from its own stream of the step's seed, and the fast step splits the passes
 * differently (a pass per side, the G step's in halves), so with dropout the two paths draw other
 * (equally distributed) masks; under given masks the map is the same, which is what this checks.
 */
@ExtendWith(TwoLibtorchThreads.class)
class FastPathsAgreementIT {
    @TempDir
    Path tmp;

    private static double[] flat(Net n) {
        List<Double> all = new ArrayList<>();
        for (Tensor p : Params.of(n)) {
            for (float f : Tensors.toFloats(p.contiguous())) {
                all.add((double) f);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private record Run(double[] g0, double[] d0, java.util.Map<Integer, double[][]> at) {
        double[] g() {
            return at.get(STEPS)[0];
        }

        double[] d() {
            return at.get(STEPS)[1];
        }
    }

    static final int STEPS = 50;

    /** 50 steps of {@code c}; {@code perturb}: every initial weight first moved by one float32 rounding (relative 2^-24). */
    private static Run run(ExperimentConfig c, boolean fast, boolean perturb) {
        ExperimentConfig with = ConfigLoader.fromYaml("t", ConfigLoader.toYaml(c), List.of("train.fast_paths=" + fast));
        try (Trainer t = Experiment.detached(with)) {
            if (!fast) {
                assertThat(t.fastStep()).as("the plain step without fast paths").isFalse();
            } else if (c.model().conditioning() == org.gan4j.config.Choices.Conditioning.PROJECTION) {
                // a projection D judges each sample by its own label: its passes split with their labels
                assertThat(t.speedPaths()).as(c.name()).contains("as shares true").contains("in halves true");
            }
            double[] g0 = flat(t.generator());
            double[] d0 = flat(t.discriminator());
            if (perturb) {
                nudge(t.generator());
                nudge(t.discriminator());
            }
            java.util.Map<Integer, double[][]> at = new java.util.TreeMap<>();
            while (t.step() < STEPS) {
                t.stepOnce();
                if (t.step() == STEPS) {
                    at.put((int) t.step(), new double[][] {flat(t.generator()), flat(t.discriminator())});
                }
            }
            return new Run(g0, d0, at);
        }
    }

    /** Each weight times 1 +- 2^-24, the sign from a seeded stream: a float32 rounding's worth. */
    private static void nudge(Net n) {
        try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Tensor p : Params.of(n)) {
                Tensor sign = org.bytedeco.pytorch.global.torch.randint(2, p.sizes().vec().get())
                        .mul(new org.bytedeco.pytorch.Scalar(2.0)).sub(new org.bytedeco.pytorch.Scalar(1.0));
                p.mul_(sign.mul(new org.bytedeco.pytorch.Scalar(Math.scalb(1.0, -24))).add(new org.bytedeco.pytorch.Scalar(1.0)));
            }
        }
    }

    /** ||a - b|| / ||b - start||: how far the two runs drifted apart, against how far training moved. */
    private static double drift(double[] a, double[] b, double[] start) {
        double diff = 0;
        double moved = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            moved += (b[i] - start[i]) * (b[i] - start[i]);
        }
        return Math.sqrt(diff / moved);
    }

    @Test
    void shippedConfigsGiveTheSameWeightsWithFastPathsOnAndOff() throws Exception {
        Path mnist = TestData.mnistDir(tmp);
        for (String name : List.of("toy-ring8", "dcgan-mnist", "best-mnist", "wgan-gp-mnist")) {
            ExperimentConfig c = ConfigLoader.load(Path.of("configs", name + ".yaml"),
                    List.of("train.steps=50", "data.path=" + mnist, "data.limit=2000", "model.dropout=0",
                            "train.batch_size=32"));
            Run on = run(c, true, false);
            Run off = run(c, false, false);
            Run nudged = run(c, false, true);
            assertThat(on.g0()).as(name + ": the same initial G").isEqualTo(off.g0());
            assertThat(on.d0()).as(name + ": the same initial D").isEqualTo(off.d0());
            // GAN training is chaotic: one float32 rounding of the initial weights grows to 3-35%
            // of the distance trained in 50 steps. The fast path's rounding differs from the plain
            // one's at every step, by perturbations of that size; each later one has had fewer steps
            // to grow, so together they stay within a small multiple of the first one's growth. A
            // path computing another map (other dropout masks, a wrong gradient) lands at 5x and more.
            double envG = drift(nudged.g(), off.g(), off.g0());
            double envD = drift(nudged.d(), off.d(), off.d0());
            double dg = drift(on.g(), off.g(), off.g0());
            double dd = drift(on.d(), off.d(), off.d0());
            System.err.printf("%s, %d steps: fast/plain G %.3e D %.3e; one rounding's growth G %.3e D %.3e%n", name,
                    STEPS, dg, dd, envG, envD);
            assertThat(envG).as(name + ": the nudge moved G's run").isPositive();
            assertThat(dg).as(name + ": G, against one rounding's growth " + envG).isLessThanOrEqualTo(ENVELOPES * envG);
            assertThat(dd).as(name + ": D, against one rounding's growth " + envD).isLessThanOrEqualTo(ENVELOPES * envD);
        }
    }

    /** Multiples of one rounding's growth the two paths may drift apart (see the test). */
    static final double ENVELOPES = 2;
}
