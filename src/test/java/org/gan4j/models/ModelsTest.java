package org.gan4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Params;
import org.junit.jupiter.api.Test;

class ModelsTest {
    private static ExperimentConfig.Model model(String arch) {
        return ConfigLoader.fromYaml("t", "model: {architecture: " + arch + "}\ndata: {dataset: "
                + (arch.equals("toy-mlp") ? "ring8" : "mnist") + "}\n", java.util.List.of()).model();
    }

    private static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    @Test
    void shapesOfEveryArchitecture() {
        try (PointerScope scope = new PointerScope()) {
            for (String arch : new String[] {"mlp", "dcgan28", "toy-mlp"}) {
                Models.Pair p = Models.build(model(arch));
                Tensor x = p.g().forward(torch.randn(5, p.g().zDim()));
                long[] expected = arch.equals("toy-mlp") ? new long[] {5, 2} : new long[] {5, 1, 28, 28};
                assertThat(shape(x)).as(arch).containsExactly(expected);
                assertThat(shape(p.d().forward(x))).as(arch).containsExactly(5);
            }
        }
    }

    @Test
    void dcganParameterCountsMatchTheLayout() {
        Models.Pair p = Models.build(model("dcgan28"));
        // no bias where batch norm follows (model.g_bn_bias false)
        long g = 100L * 12544 + 2 * 12544                  // dense + BN
                + 256L * 128 * 25 + 2 * 128                 // convT 256->128 + BN
                + 128L * 64 * 25 + 2 * 64                   // convT 128->64 + BN
                + 64L * 25 + 1;                             // convT 64->1
        long d = 25L * 64 + 64 + 64L * 128 * 25 + 128 + 6272 + 1;
        assertThat(Params.count(p.g())).isEqualTo(g);
        assertThat(Params.count(p.d())).isEqualTo(d);
    }

    @Test
    void generatorOutputIsInTanhRange() {
        try (PointerScope scope = new PointerScope()) {
            Models.Pair p = Models.build(model("dcgan28"));
            Tensor x = p.g().forward(torch.randn(8, 100).mul(new org.bytedeco.pytorch.Scalar(10)));
            assertThat(x.max().item_double()).isLessThanOrEqualTo(1.0);
            assertThat(x.min().item_double()).isGreaterThanOrEqualTo(-1.0);
        }
    }
}
