package org.gan4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Params;
import org.gan4j.nn.Tensors;
import org.junit.jupiter.api.Test;

class DiscriminatorOptionsTest {
    private static ExperimentConfig.Model model(String arch, String... sets) {
        String data = arch.equals("toy-mlp") ? "ring8" : "mnist";
        return ConfigLoader.fromYaml("t", "model: {architecture: " + arch + "}\ndata: {dataset: " + data + "}\n",
                List.of(sets)).model();
    }

    /** Largest singular value of a matrix by many power iterations (independent of the layer's). */
    private static double sigma(Tensor w) {
        Tensor v = torch.ones(w.size(1));
        for (int i = 0; i < 500; i++) {
            v = torch.mv(w.t(), torch.mv(w, v));
            v = v.div(v.norm());
        }
        return torch.mv(w, v).norm().item_double();
    }

    @Test
    void spectralNormBringsTheLargestSingularValueToOne() {
        try (PointerScope scope = new PointerScope()) {
            Layers.Linear l = Layers.spectralNorm(Layers.linear(20, 30));
            l.weight.detach().mul_(new org.bytedeco.pytorch.Scalar(7.0));
            Tensor x = torch.eye(20);
            Tensor y = null;
            for (int i = 0; i < 100; i++) { // each training forward runs one power iteration
                y = l.forward(x);
            }
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor effective = y.sub(l.bias).t(); // forward on the identity gives W_sn^T
                assertThat(sigma(effective)).isCloseTo(1.0, within(1e-3));
                assertThat(sigma(l.weight)).isGreaterThan(2.0);
            }
            // u is a buffer: saved in checkpoints and moved with the module
            assertThat(Params.buffersOf(l)).hasSize(1);
        }
    }

    @Test
    void spectralNormGradientFlowsThroughSigma() {
        try (PointerScope scope = new PointerScope()) {
            Layers.Linear l = Layers.spectralNorm(Layers.linear(4, 3));
            l.forward(torch.randn(5, 4)).sum().backward();
            assertThat(l.weight.grad().defined()).isTrue();
            // two forwards before one backward: the in-place u update must not break the first graph
            Tensor a = l.forward(torch.randn(5, 4));
            Tensor b = l.forward(torch.randn(5, 4));
            a.add(b).sum().backward();
        }
    }

    @Test
    void minibatchStdAppendsTheGroupStd() {
        try (PointerScope scope = new PointerScope()) {
            // 4 samples, one group: feature 0 = (0, 0, 0, 0), feature 1 = (1, -1, 1, -1): stds 0 and 1
            Tensor x = Tensors.fromFloats(new float[] {0, 1, 0, -1, 0, 1, 0, -1}, 4, 2);
            Tensor y = Layers.minibatchStd(4).forward(x);
            assertThat(y.size(1)).isEqualTo(3);
            float[] v = Tensors.toFloats(y);
            for (int i = 0; i < 4; i++) {
                assertThat((double) v[3 * i + 2]).isCloseTo(0.5, within(1e-3)); // mean of (0, 1)
            }
            Tensor img = Layers.minibatchStd(4).forward(torch.randn(8, 3, 5, 5));
            assertThat(img.size(1)).isEqualTo(4);
            assertThat(img.size(2)).isEqualTo(5);
        }
    }

    @Test
    void everyOptionBuildsAndJudgesABatch() {
        try (PointerScope scope = new PointerScope()) {
            for (String arch : new String[] {"mlp", "dcgan28", "toy-mlp"}) {
                ExperimentConfig.Model m = model(arch, "model.spectral_norm=true", "model.minibatch_std=true",
                        "model.packing=4");
                Models.Pair p = Models.build(m);
                Tensor x = p.g().forward(torch.randn(8, p.g().zDim()));
                Tensor out = p.d().forward(x);
                assertThat(out.dim()).as(arch).isEqualTo(1);
                assertThat(out.size(0)).as(arch + ": packing 4 gives one output per 4 samples").isEqualTo(2);
            }
        }
    }

    @Test
    void packingConcatenatesConsecutiveSamples() {
        try (PointerScope scope = new PointerScope()) {
            // an MLP D whose input size is 2 * 2 (packing 2 on 2-D points) sees (x0, x1) then (x2, x3)
            Models.Pair p = Models.build(model("toy-mlp", "model.packing=2"));
            Tensor x = torch.randn(4, 2);
            Tensor both = p.d().forward(x);
            Tensor first = p.d().forward(x.narrow(0, 0, 2));
            assertThat(Tensors.toFloats(both)[0]).isEqualTo(Tensors.toFloats(first)[0]);
        }
    }
}
