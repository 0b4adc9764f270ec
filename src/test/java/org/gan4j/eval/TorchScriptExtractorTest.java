package org.gan4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.data.DataException;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptExtractorTest {
    @TempDir
    Path tmp;

    private Path fixture() throws Exception {
        Path f = tmp.resolve("tiny-extractor.pt");
        try (var in = getClass().getResourceAsStream("tiny-extractor.pt")) {
            Files.copy(in, f);
        }
        return f;
    }

    /** A named parameter of the fixture as a row-major float matrix. */
    private static float[] param(Path file, String name) {
        JitModule m = torch.load(file.toString());
        var list = m.named_parameters();
        for (var it = list.begin(); !it.equals(list.end()); it = it.increment()) {
            if (it.access().name().getString().equals(name)) {
                return Tensors.toFloats(it.access().value());
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    @Test
    void userTorchScriptModuleGivesFeaturesAndProbabilities() throws Exception {
        Path f = fixture();
        Classifier c = Classifier.load(f).forShape(new long[] {1, 28, 28}, "test");
        assertThat(c.isScript()).isTrue();
        assertThat(c.featureSize()).isEqualTo(8);
        assertThat(c.classes()).isEqualTo(10);
        int n = 3;
        float[] images = new float[n * 784];
        Random r = new Random(4);
        for (int i = 0; i < images.length; i++) {
            images[i] = r.nextFloat() * 2 - 1;
        }
        float[][] fp = c.featuresAndProbabilities(images, n);
        float[] w = param(f, "w");
        float[] v = param(f, "v");
        for (int i = 0; i < n; i++) {
            double[] feat = new double[8];
            for (int j = 0; j < 8; j++) {
                double s = 0;
                for (int k = 0; k < 784; k++) {
                    s += images[i * 784 + k] * w[k * 8 + j];
                }
                feat[j] = Math.max(0, s);
                assertThat((double) fp[0][i * 8 + j]).isCloseTo(feat[j], within(1e-4));
            }
            double[] logits = new double[10];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 10; k++) {
                for (int j = 0; j < 8; j++) {
                    logits[k] += feat[j] * v[j * 10 + k];
                }
                max = Math.max(max, logits[k]);
            }
            double z = 0;
            for (double l : logits) {
                z += Math.exp(l - max);
            }
            for (int k = 0; k < 10; k++) {
                assertThat((double) fp[1][i * 10 + k]).isCloseTo(Math.exp(logits[k] - max) / z, within(1e-4));
            }
        }
        assertThat(c.features(images, n)).containsExactly(fp[0]);
    }

    @Test
    void wrongShapesAndJunkFilesAreNamed() throws Exception {
        Path f = fixture();
        assertThatThrownBy(() -> Classifier.load(f).forShape(new long[] {3, 32, 32}, "extractor.pt"))
                .isInstanceOf(DataException.class).hasMessageContaining("extractor.pt").hasMessageContaining("[3, 32, 32]");
        Path junk = Files.writeString(tmp.resolve("junk.pt"), "no zip here");
        assertThatThrownBy(() -> Classifier.load(junk)).isInstanceOf(DataException.class)
                .hasMessageContaining("junk.pt").hasMessageContaining("TorchScript");
    }
}
