package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.Autocast;
import org.gan4j.nn.GradAsserts;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.models.DcganGenerator28;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.junit.jupiter.api.Test;

class ConvWeightGradTest {
    private static double relDiff(Tensor got, Tensor want) {
        double scale = want.abs().max().item_double();
        return got.sub(want).abs().max().item_double() / scale;
    }

    /**
     * The layer's gradients under bf16 autocast, deferred and finished, against autograd's own:
     * same input and bias gradients (the same kernels), the weight's within bf16 rounding.
     */
    private static void checkAgainstAutograd(Supplier<Layers.Conv2d> make, Tensor x, long[] outShape) {
        Seeds.seedTorch(21);
        Layers.Conv2d plain = make.get();
        Seeds.seedTorch(21);
        Layers.Conv2d deferring = make.get();
        Tensor g = torch.randn(outShape);
        Tensor xa = x.clone().requires_grad_(true);
        Tensor xb = x.clone().requires_grad_(true);
        try (Autocast ac = Autocast.bf16(true, x.device())) {
            plain.forward(xa).to(torch.ScalarType.Float).mul(g).sum().backward();
        }
        DeferredGrads grads = new DeferredGrads();
        deferring.useKernel(new FastConv(deferring, false, grads));
        Tensor y = deferredForward(deferring, xb, grads);
        assertThat(grads.size()).as("the layer deferred its weight gradient").isEqualTo(1);
        assertThat(grads.isOpen()).as("closed").isFalse();
        y.to(torch.ScalarType.Float).mul(g).sum().backward();
        assertThat(deferring.weight.grad().defined()).as("not before finish").isFalse();
        assertThat(xb.grad().equal(xa.grad())).as("input gradient").isTrue();
        assertThat(relDiff(deferring.bias.grad(), plain.bias.grad())).as("bias gradient").isLessThan(1e-2);
        grads.finish();
        Tensor want = plain.weight.grad();
        Tensor got = deferring.weight.grad();
        assertThat(got.sizes().vec().get()).isEqualTo(want.sizes().vec().get());
        assertThat(got.scalar_type().value).isEqualTo(torch.ScalarType.Float.value);
        assertThat(relDiff(got, want)).as("weight gradient").isLessThan(1e-2);
        // a second backward and finish add to the gradients, as autograd does
        try (Autocast ac = Autocast.bf16(true, x.device())) {
            plain.forward(xa).to(torch.ScalarType.Float).mul(g).sum().backward();
        }
        y = deferredForward(deferring, xb, grads);
        y.to(torch.ScalarType.Float).mul(g).sum().backward();
        grads.finish();
        assertThat(relDiff(deferring.weight.grad(), plain.weight.grad())).as("accumulated").isLessThan(1e-2);
    }

    /** The layer's forward under bf16 with {@code grads} open. */
    private static Tensor deferredForward(Layers.Conv2d layer, Tensor x, DeferredGrads grads) {
        grads.open();
        try (Autocast ac = Autocast.bf16(true, x.device())) {
            return layer.forward(x);
        } finally {
            grads.close();
        }
    }

    @Test
    void strideTwoConvolution() {
        try (PointerScope s = new PointerScope()) {
            checkAgainstAutograd(() -> Layers.conv2d(64, 128, 5, 2, 2), torch.randn(16, 64, 14, 14),
                    new long[] {16, 128, 7, 7});
        }
    }

    @Test
    void strideTwoTransposedConvolution() {
        try (PointerScope s = new PointerScope()) {
            checkAgainstAutograd(() -> Layers.convTranspose2d(128, 64, 5, 2, 2, 1, true), torch.randn(16, 128, 7, 7),
                    new long[] {16, 64, 14, 14});
        }
    }

    @Test
    void strideOneTransposedConvolutionRunAsAFlippedOne() {
        try (PointerScope s = new PointerScope()) {
            checkAgainstAutograd(() -> Layers.convTranspose2d(256, 128, 5, 1, 2, 0, true), torch.randn(16, 256, 7, 7),
                    new long[] {16, 128, 7, 7});
        }
    }

    @Test
    void narrowLayersSmallBatchesAndFloat32KeepAutogradsPath() {
        try (PointerScope s = new PointerScope()) {
            Layers.Conv2d narrow = Layers.convTranspose2d(64, 16, 5, 2, 2, 1, false);
            Layers.Conv2d wide = Layers.conv2d(64, 128, 5, 2, 2);
            Tensor x = torch.randn(16, 64, 14, 14).requires_grad_(true);
            DeferredGrads open = new DeferredGrads();
            narrow.useKernel(new FastConv(narrow, false, open));
            wide.useKernel(new FastConv(wide, false, open));
            open.open();
            try {
                wide.forward(x); // float32
                try (Autocast ac = Autocast.bf16(true, x.device())) {
                    narrow.forward(x);
                    wide.forward(x.narrow(0, 0, 8)); // a batch off the 16-block
                    try (NoGradGuard ng = new NoGradGuard()) {
                        wide.forward(x);
                    }
                }
                assertThat(open.size()).isZero();
            } finally {
                open.close();
            }
        }
    }

    /**
     * Copies a and b of a G run the same batch under bf16, a through autograd alone, b deferring
     * (its gradients finished after the backward); their gradients must agree. Returns b's pass.
     */
    private static Fast.Deferred deferredMatchesAutograd(Generator a, Generator b, Tensor z, Tensor y,
                                                              double floor, String label) {
        Tensor g = torch.randn(a.forward(z, y).sizes().vec().get());
        try (Autocast ac = Autocast.bf16(true, z.device())) {
            a.forward(z, y).to(torch.ScalarType.Float).mul(g).sum().backward();
        }
        Fast.Deferred d;
        try (Autocast ac = Autocast.bf16(true, z.device())) {
            d = Fast.forwardDeferred(b, z, y);
        }
        d.samples().to(torch.ScalarType.Float).mul(g).sum().backward();
        d.finish();
        GradAsserts.sameGradients(a, b, 2e-2, floor, label);
        return d;
    }

    @Test
    void generatorUnderBf16MatchesAutograd() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(22);
            DcganGenerator28 a = new DcganGenerator28(100);
            Seeds.seedTorch(22);
            DcganGenerator28 b = Fast.kernels(false, new DcganGenerator28(100));
            Fast.Deferred d = deferredMatchesAutograd(a, b, torch.randn(16, 100), null, 1e-12, "DCGAN-28");
            assertThat(d.grads().size()).as("256->128 and 128->64 defer, 64->1 does not").isEqualTo(2);
        }
    }

    /** Every shipped config's G, its deferred gradients finished under bf16, against autograd's. */
    @Test
    void everyShippedGeneratorMatchesAutogradUnderBf16() throws Exception {
        List<Path> files;
        try (Stream<Path> st = Files.list(Path.of("configs"))) {
            files = st.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            try (PointerScope s = new PointerScope()) {
                ExperimentConfig c = ConfigLoader.load(f, List.of());
                Seeds.seedTorch(23);
                Generator a = Models.generator(c);
                Seeds.seedTorch(23);
                Generator b = Fast.kernels(c.train().channelsLast(), Models.generator(c));
                Tensor z = torch.randn(16, a.zDim());
                Tensor y = a.classes() > 0 ? torch.arange(new org.bytedeco.pytorch.Scalar(16))
                        .remainder(new org.bytedeco.pytorch.Scalar(a.classes())) : null;
                deferredMatchesAutograd(a, b, z, y, 1e-6, f.toString());
            }
        }
    }
}
