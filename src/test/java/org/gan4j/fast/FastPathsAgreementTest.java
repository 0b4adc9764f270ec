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
 * The shipped configs trained 50 steps with the fast paths on and off: the same maths, so the
 * weights agree up to float32 rounding carried through the run.
 */
@ExtendWith(TwoLibtorchThreads.class)
class FastPathsAgreementTest {
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

    private record Run(double[] g0, double[] d0, double[] g, double[] d) {
    }

    private static Run run(ExperimentConfig c, boolean fast) {
        ExperimentConfig with = ConfigLoader.fromYaml("t", ConfigLoader.toYaml(c), List.of("train.fast_paths=" + fast));
        try (Trainer t = Experiment.detached(with)) {
            assertThat(t.fastStep()).as("the forked step runs only with fast paths").isEqualTo(fast);
            double[] g0 = flat(t.generator());
            double[] d0 = flat(t.discriminator());
            while (t.step() < 50) {
                t.stepOnce();
            }
            return new Run(g0, d0, flat(t.generator()), flat(t.discriminator()));
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
        for (String name : List.of("dcgan-mnist", "best-mnist", "wgan-gp-mnist", "toy-ring8")) {
            ExperimentConfig c = ConfigLoader.load(Path.of("configs", name + ".yaml"),
                    List.of("train.steps=50", "data.path=" + mnist, "data.limit=2000"));
            Run on = run(c, true);
            Run off = run(c, false);
            assertThat(on.g0()).as(name + ": the same initial G").isEqualTo(off.g0());
            assertThat(on.d0()).as(name + ": the same initial D").isEqualTo(off.d0());
            double dg = drift(on.g(), off.g(), off.g0());
            double dd = drift(on.d(), off.d(), off.d0());
            System.err.printf("%s: drift G %.3e, D %.3e%n", name, dg, dd);
            assertThat(dg).as(name + ": G").isLessThan(BOUND);
            assertThat(dd).as(name + ": D").isLessThan(BOUND);
        }
    }

    static final double BOUND = 1e-9;
}
