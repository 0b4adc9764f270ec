package org.gan4j.fast;

import org.gan4j.nn.Float64Check;
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
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.gan4j.config.ConfigLoader;
import org.gan4j.config.ExperimentConfig;
import org.gan4j.models.DcganGenerator28;
import org.gan4j.models.Generator;
import org.gan4j.models.Models;
import org.junit.jupiter.api.Test;

class ConvWeightGradTest {
    private static final Scalar U = new Scalar(Rounding.U_BF16);

    private static Tensor f64(Tensor t) {
        return t.to(torch.ScalarType.Double);
    }

    /** t rounded to bf16 as autocast rounds it, in float64. */
    private static Tensor bf16(Tensor t) {
        return t.to(torch.ScalarType.BFloat16).to(torch.ScalarType.Double);
    }

    /** The weight's gradient in float64 of the layer's map of x (geometry geo, weight shaped like w) for output gradient g. */
    private static Tensor weightGradient(Float64Check.Geometry geo, Tensor x, Tensor w, Tensor g) {
        Tensor w64 = torch.zeros_like(f64(w)).requires_grad_(true);
        long[] st = {geo.stride(), geo.stride()};
        long[] pd = {geo.padding(), geo.padding()};
        Tensor y = geo.transposed()
                ? torch.conv_transpose2d(x, w64, new TensorOptional(), st, pd,
                        new long[] {geo.outputPadding(), geo.outputPadding()}, 1, new long[] {1, 1})
                : torch.conv2d(x, w64, new TensorOptional(), st, pd, new long[] {1, 1}, 1);
        y.mul(g).sum().backward();
        return w64.grad();
    }

    /**
     * The layer's gradients under bf16 autocast, deferred and finished, against autograd's own:
     * the same input gradient (the same kernels), and the weight and bias gradients each within
     * its bound of the exact gradient of the same bf16-rounded x and output gradient, in float64.
     * Both sum n = N H_out W_out products, exact in float32 (bf16 times bf16), in float32
     * (Rounding.sumFactor(n) times the sum of |products|, S):
     * <ul>
     * <li>the deferred weight gradient and both bias gradients are rounded to bf16 once, at the
     * end: u |exact| + (1 + u) sumFactor S, u = 2^-8, about 0.4% of each value;
     * <li>autograd's weight gradient is rounded to bf16 after each sample's share where oneDNN
     * has no bf16 kernel (libtorch's slow_conv2d adds each sample's product into a bf16
     * gradient; AVX2 CPUs), once elsewhere: with P_t the sum over the first t of the N samples,
     * (u sum_t |P_t| + sumFactor S) (1 + N u) / (1 - N u), the last factor bounding the
     * second-order terms; about 4% of a typical value for N = 16.
     * </ul>
     * A wrong stride, padding, tap order or a missing channel makes errors of the size of the
     * values themselves, 25 to 250 times the first bound and 2.5 to 25 times the second.
     */
    private static void checkAgainstAutograd(Supplier<Layers.Conv2d> make, Float64Check.Geometry geo, Tensor x,
                                             long[] outShape) {
        Seeds.seedTorch(21);
        Layers.Conv2d plain = make.get();
        plain.useKernel(new FastConv(plain, false, null)); // the same kernels, nothing deferred
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

        // the exact gradients of the bf16-rounded x and g, the sums of |terms|, their number n and
        // the partial sums over the batch
        Tensor x64 = bf16(x);
        Tensor g64 = bf16(g);
        Tensor exact = weightGradient(geo, x64, plain.weight, g64);
        Tensor abs = weightGradient(geo, x64.abs(), plain.weight, g64.abs());
        Tensor n = weightGradient(geo, torch.ones_like(x64), plain.weight, torch.ones_like(g64));
        long batch = x.size(0);
        Tensor partial = torch.zeros_like(exact);
        Tensor partials = torch.zeros_like(exact);
        for (long t = 0; t < batch; t++) {
            partial = partial.add(weightGradient(geo, x64.narrow(0, t, 1), plain.weight, g64.narrow(0, t, 1)));
            partials = partials.add(partial.abs());
        }
        Tensor accumulation = Rounding.sumFactor(n, Rounding.U32).mul(abs);
        Tensor once = exact.abs().mul(U).add(accumulation.mul(new Scalar(1 + Rounding.U_BF16)));
        double second = (1 + batch * Rounding.U_BF16) / (1 - batch * Rounding.U_BF16);
        Tensor perSample = partials.mul(U).add(accumulation).mul(new Scalar(second));
        long[] dims = {0, 2, 3};
        Tensor exactBias = g64.sum(dims);
        double biasFactor = Rounding.sumFactor(g64.numel() / g64.size(1), Rounding.U32) * (1 + Rounding.U_BF16);
        Tensor biasBound = exactBias.abs().mul(U).add(g64.abs().sum(dims).mul(new Scalar(biasFactor)));
        Rounding.assertWithin(plain.bias.grad(), exactBias, biasBound, "autograd's bias gradient");
        Rounding.assertWithin(deferring.bias.grad(), exactBias, biasBound, "the deferring layer's bias gradient");
        Rounding.assertWithin(plain.weight.grad(), exact, perSample, "autograd's weight gradient");
        grads.finish();
        Tensor got = deferring.weight.grad();
        assertThat(got.sizes().vec().get()).isEqualTo(plain.weight.grad().sizes().vec().get());
        assertThat(got.scalar_type().value).isEqualTo(torch.ScalarType.Float.value);
        Rounding.assertWithin(got, exact, once, "weight gradient");
        // a second backward and finish add to the gradients, as autograd does: twice each bound,
        // and the float32 addition's rounding
        try (Autocast ac = Autocast.bf16(true, x.device())) {
            plain.forward(xa).to(torch.ScalarType.Float).mul(g).sum().backward();
        }
        y = deferredForward(deferring, xb, grads);
        y.to(torch.ScalarType.Float).mul(g).sum().backward();
        grads.finish();
        Tensor twice = exact.mul(new Scalar(2));
        Tensor sumRounding = twice.abs().mul(new Scalar(Rounding.U32));
        Rounding.assertWithin(deferring.weight.grad(), twice, once.mul(new Scalar(2)).add(sumRounding), "accumulated");
        Rounding.assertWithin(plain.weight.grad(), twice, perSample.mul(new Scalar(2)).add(sumRounding),
                "autograd's accumulated");
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
            checkAgainstAutograd(() -> Layers.conv2d(64, 128, 5, 2, 2), Float64Check.Geometry.conv(2, 2),
                    torch.randn(16, 64, 14, 14), new long[] {16, 128, 7, 7});
        }
    }

    @Test
    void strideTwoTransposedConvolution() {
        try (PointerScope s = new PointerScope()) {
            checkAgainstAutograd(() -> Layers.convTranspose2d(128, 64, 5, 2, 2, 1, true),
                    new Float64Check.Geometry(true, 2, 2, 1), torch.randn(16, 128, 7, 7), new long[] {16, 64, 14, 14});
        }
    }

    @Test
    void strideOneTransposedConvolutionRunAsAFlippedOne() {
        try (PointerScope s = new PointerScope()) {
            checkAgainstAutograd(() -> Layers.convTranspose2d(256, 128, 5, 1, 2, 0, true),
                    new Float64Check.Geometry(true, 1, 2, 0), torch.randn(16, 256, 7, 7), new long[] {16, 128, 7, 7});
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
     * Only the deferring layers' weights and biases may differ at all (every other gradient
     * comes from the same kernels on the same inputs). A deferred weight gradient is the exact
     * one rounded to bf16 once, autograd's is rounded after each of the batch's N samples where
     * oneDNN has no bf16 kernel (see checkAgainstAutograd): they differ by at most
     * u |G| + u sum_t |P_t| (1 + N u) / (1 - N u), and with the partial sums P_t no larger than
     * the largest |G| (within a few percent for random data) by u (1 + N (1 + N u) / (1 - N u))
     * of it, 7.5% for N = 16. A layer's gradient gone wrong (not finished, added twice, the
     * wrong layer's) is off by about 100%.
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
        double n = z.size(0);
        double u = Rounding.U_BF16;
        double tol = u * (1 + n * (1 + n * u) / (1 - n * u));
        GradAsserts.sameGradients(a, b, 2 * d.grads().size(), tol, floor, label);
        return d;
    }

    @Test
    void generatorUnderBf16MatchesAutograd() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(22);
            DcganGenerator28 a = Fast.kernels(false, new DcganGenerator28(100)); // nothing deferred: its grads stay closed
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
                Generator a = Fast.kernels(c.train().channelsLast(), Models.generator(c));
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
