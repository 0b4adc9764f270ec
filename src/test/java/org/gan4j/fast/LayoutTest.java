package org.gan4j.fast;

import org.gan4j.nn.SameMap;
import org.gan4j.nn.Float64Check;
import org.gan4j.nn.Init;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.Autocast;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void channelsLastWeightsHoldTheSameValuesAndComputeTheSameMap() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(3);
            Layers.Conv2d plain = Layers.convTranspose2d(8, 4, 5, 2, 2, 1);
            Init.normal(plain.weight, 0, 0.02);
            Seeds.seedTorch(3);
            Layers.Conv2d nhwc = Fast.kernels(true, Layers.convTranspose2d(8, 4, 5, 2, 2, 1));
            Init.normal(nhwc.weight, 0, 0.02);
            assertThat(nhwc.weight.is_contiguous()).as("channels-last strides").isFalse();
            assertThat(nhwc.weight.is_contiguous(torch.MemoryFormat.ChannelsLast)).isTrue();
            assertThat(nhwc.weight.sub(plain.weight).abs().max().item_double()).isZero();
            Tensor x = torch.randn(2, 8, 7, 7);
            // each within float32's bound of the float64 map (SameMap), so of each other within twice it
            SameMap.Op map = (xx, w, b) -> torch.conv_transpose2d(xx, w, new TensorOptional(b), new long[] {2, 2},
                    new long[] {2, 2}, new long[] {1, 1}, 1, new long[] {1, 1});
            SameMap.outputWithin("NHWC", nhwc.forward(x), x, nhwc.weight, nhwc.bias, map);
            SameMap.outputWithin("NCHW", plain.forward(x), x, plain.weight, plain.bias, map);
        }
    }

    @Test
    void strideOneTransposedLayerKeepsItsWeightNchwButHandsOnNhwc() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(4);
            Layers.Conv2d plain = Layers.convTranspose2d(32, 16, 5, 1, 2, 0);
            Layers.Conv2d nhwc = twin(plain, () -> Layers.convTranspose2d(32, 16, 5, 1, 2, 0));
            assertThat(nhwc.weight.is_contiguous()).as("NCHW weight (oneDNN's fast kernel)").isTrue();
            assertThat(plain.forward(torch.randn(1, 32, 7, 7)).is_contiguous()).as("plain: NCHW output").isTrue();
            assertSameMapInNhwc(plain, nhwc, torch.randn(4, 32, 7, 7), new Float64Check.Geometry(true, 1, 2, 0));
        }
    }

    @Test
    void oneChannelImageLayerRunsChannelsLastWithTheSameMapAndGradients() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(6);
            Layers.Conv2d plain = Layers.conv2d(1, 16, 5, 2, 2);
            Layers.Conv2d nhwc = twin(plain, () -> Layers.conv2d(1, 16, 5, 2, 2));
            // with one input channel contiguous(ChannelsLast) changes nothing, and libtorch would
            // run this layer and the next in NCHW
            assertThat(nhwc.weight.suggest_memory_format().intern()).isEqualTo(torch.MemoryFormat.ChannelsLast);
            // x needs a gradient: the space-to-depth path, which must keep the layout too
            assertSameMapInNhwc(plain, nhwc, torch.randn(4, 1, 28, 28), Float64Check.Geometry.conv(2, 2));
        }
    }

    /** {@code build} under channels-last, with {@code plain}'s weight and bias. */
    private static Layers.Conv2d twin(Layers.Conv2d plain, java.util.function.Supplier<Layers.Conv2d> build) {
        Layers.Conv2d nhwc = Fast.kernels(true, build.get());
        try (NoGradGuard ng = new NoGradGuard()) {
            nhwc.weight.copy_(plain.weight);
            nhwc.bias.copy_(plain.bias);
        }
        return nhwc;
    }

    /**
     * The NHWC layer's output on x is NHWC, and both layers' outputs, input and weight gradients
     * are the float64 map's within float32's bound (Float64Check), so each other's within twice it.
     */
    private static void assertSameMapInNhwc(Layers.Conv2d plain, Layers.Conv2d nhwc, Tensor x,
                                            Float64Check.Geometry geo) {
        Tensor y2 = nhwc.forward(x.clone().requires_grad_(true));
        assertThat(y2.is_contiguous(torch.MemoryFormat.ChannelsLast)).isTrue();
        assertThat(y2.is_contiguous()).as("NHWC output").isFalse();
        for (Layers.Conv2d c : new Layers.Conv2d[] {plain, nhwc}) {
            Float64Check.Errors e = Float64Check.of(c, geo, x.clone().requires_grad_(true), false);
            assertThat(e.output()).as("output, a share of its bound").isLessThanOrEqualTo(1.0);
            assertThat(e.inputGradient()).as("input gradient, a share of its bound").isLessThanOrEqualTo(1.0);
            assertThat(e.weightGradient()).as("weight gradient, a share of its bound").isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void linearOverChannelsLastMapsMatchesFlattenThenLinear() {
        // two outputs take torch.linear; one (a critic's logit) a product and a row sum
        for (long out : new long[] {2, 1}) {
            for (boolean sn : new boolean[] {false, true}) {
                try (PointerScope s = new PointerScope()) {
                    String what = "outputs " + out + ", sn " + sn;
                    // the same seed: the same weights and, with spectral norm, the same power-iteration vector
                    Seeds.seedTorch(8);
                    Layers.Linear a = Layers.linear(6 * 3 * 4, out);
                    if (sn) {
                        Layers.spectralNorm(a);
                    }
                    Seeds.seedTorch(8);
                    Layers.Linear b = Layers.linear(6 * 3 * 4, out);
                    if (sn) {
                        Layers.spectralNorm(b);
                    }
                    // the effective weight with the power iteration's u before this step: sigma then is
                    // at most the step's, so |w| below is at least the weight the step uses
                    a.train(false);
                    Tensor wEff;
                    try (NoGradGuard ng = new NoGradGuard()) {
                        wEff = (sn ? a.effectiveWeight() : a.weight).detach().to(torch.ScalarType.Double).abs();
                    }
                    a.train(true);
                    Tensor x = torch.randn(5, 6, 3, 4);
                    Tensor xNchw = x.clone().requires_grad_(true);
                    Tensor xNhwc = x.contiguous(torch.MemoryFormat.ChannelsLast).requires_grad_(true);
                    Tensor g = torch.randn(5, out);
                    Tensor want = a.forward(xNchw.flatten(1, -1));
                    Tensor got = b.forwardFlattened(xNhwc);
                    // the product path is an optimisation the comparisons below cannot see
                    assertThat(FastLinear.rowSum(xNhwc, out)).as(what).isEqualTo(out == 1);
                    assertThat(got.sizes().vec().get()).as(what).containsExactly(5, out);
                    // both compute the same sums of float32 products in other orders: each within
                    // sumFactor(n) (u = 2^-24) of the sum of |terms|, S, so within twice that of each
                    // other: outputs n = 73 (72 products, the bias), input gradients n = out, the
                    // product G = g^T x n = 5 (the batch), the bias's n = 5. With spectral norm the
                    // weight's gradient is (G - <G, W/sigma> u v^T) / sigma, |u|, |v| <= 1, the same
                    // operations on G in both, each rounding its 72 out + 4 terms. A wrong column
                    // order or layout is off by the values themselves, 10^4 times these.
                    double u = Rounding.U32;
                    Tensor x64 = x.flatten(1, -1).to(torch.ScalarType.Double);
                    Tensor g64 = g.to(torch.ScalarType.Double);
                    double bMax = a.bias.abs().max().item_double();
                    double sOut = x64.abs().mm(wEff.t()).max().item_double() + bMax;
                    double sIn = g64.abs().mm(wEff).max().item_double();
                    Tensor sG = g64.abs().t().mm(x64.abs());
                    double outBar = 2 * Rounding.sumFactor(73, u) * sOut;
                    double gBar = 2 * Rounding.sumFactor(5, u) * sG.max().item_double();
                    if (sn) {
                        double sigma = a.weight.abs().max().item_double() / wEff.max().item_double();
                        double gMax = g64.t().mm(x64).abs().max().item_double();
                        double sumW = wEff.sum().item_double();
                        gBar = (gBar * (1 + sumW) + 2 * Rounding.sumFactor(72 * out + 4, u) * gMax * (1 + sumW)) / sigma;
                    }
                    assertThat(got.sub(want).abs().max().item_double()).as(what).isLessThanOrEqualTo(outBar);
                    want.mul(g).sum().backward();
                    got.mul(g).sum().backward();
                    assertThat(b.weight.grad().sub(a.weight.grad()).abs().max().item_double()).as(what)
                            .isLessThanOrEqualTo(gBar);
                    assertThat(b.bias.grad().sub(a.bias.grad()).abs().max().item_double()).as(what)
                            .isLessThanOrEqualTo(2 * Rounding.sumFactor(5, u) * g64.abs().sum(new long[] {0}).max().item_double());
                    assertThat(xNhwc.grad().sub(xNchw.grad()).abs().max().item_double()).as(what)
                            .isLessThanOrEqualTo(2 * Rounding.sumFactor(out, u) * sIn);
                    assertThat(xNhwc.grad().is_contiguous(torch.MemoryFormat.ChannelsLast))
                            .as("the gradient keeps x's layout: " + what).isTrue();
                    // NCHW maps take the plain path
                    assertThat(b.forwardFlattened(x).sub(a.forward(x.flatten(1, -1))).abs().max().item_double())
                            .as(what).isLessThanOrEqualTo(outBar);
                }
            }
        }
    }

    @Test
    void strideOneTransposedConvolutionStaysNchwUnderChannelsLast() {
        Layers.Conv2d up = Fast.kernels(true, Layers.convTranspose2d(32, 16, 5, 1, 2, 0));
        Layers.Conv2d up2 = Fast.kernels(true, Layers.convTranspose2d(32, 16, 5, 2, 2, 1));
        assertThat(up.weight.is_contiguous()).as("oneDNN's NHWC kernel for it is AVX2's").isTrue();
        assertThat(up2.weight.is_contiguous()).isFalse();
    }

    @Test
    void strideOneTransposedConvolutionUnderBf16IsTheSameMap() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(4);
            Layers.Conv2d c = Layers.convTranspose2d(64, 32, 5, 1, 2, 0);
            Tensor x = torch.randn(3, 64, 7, 7);
            Tensor want = torch.conv_transpose2d(x, c.weight, new TensorOptional(c.bias), new long[] {1, 1},
                    new long[] {2, 2}, new long[] {0, 0}, 1, new long[] {1, 1});
            Tensor got;
            try (Autocast ac = Autocast.bf16(true, x.device())) {
                got = c.forward(x);
            }
            assertThat(got.scalar_type().intern()).isEqualTo(torch.ScalarType.BFloat16);
            // x, w and b rounded to bf16 and the output once (a plain convolution): the mean error
            // within 2 u sqrt((2 + 1) / 3) = 2 u, u = 2^-8, of the mean value (see Float64Check);
            // the float32 reference's own error is 10^-4 of that
            assertThat(Float64Check.rel(got, want.toType(torch.ScalarType.Double))).as("bf16 rounding only")
                    .isLessThanOrEqualTo(2 * Rounding.U_BF16);
            assertThat(torch.is_autocast_enabled(torch.DeviceType.CPU)).as("closed region").isFalse();
        }
    }

    /**
     * Mean |bf16 - fp32| over mean |fp32| of one convolution layer's output, over its bound
     * 2 u sqrt((2 + m) / 3) (see Float64Check), m the bf16 roundings on the way: 1, or for a
     * transposed layer up to 1 + ceil(k / s)^2, col2im adding each tap in bf16.
     */
    private static double bf16Error(Layers.Conv2d c, Tensor x, long m) {
        Tensor want = c.forward(x);
        Tensor got;
        try (Autocast ac = Autocast.bf16(true, x.device())) {
            got = c.forward(x).toType(torch.ScalarType.Float);
        }
        return Float64Check.rel(got, want.toType(torch.ScalarType.Double))
                / (2 * Rounding.U_BF16 * Math.sqrt((2 + m) / 3.0));
    }

    @Test
    void layersWithFewOutputChannelsStayAccurateUnderBf16() {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Seeds.seedTorch(5);
            // DCGAN-28's output layer and a small convolution: libtorch's bf16 kernels are off by
            // 8-18% there unless padded to 16 output channels; every layer ends at bf16's ~0.3%
            // (8-18% would be 10 to 20 times the bound)
            assertThat(bf16Error(Layers.convTranspose2d(64, 1, 5, 2, 2, 1), torch.randn(8, 64, 14, 14), 10))
                    .isLessThanOrEqualTo(1.0);
            assertThat(bf16Error(Layers.conv2d(16, 8, 5, 1, 2), torch.randn(8, 16, 7, 7), 1)).isLessThanOrEqualTo(1.0);
            // and bf16 did run: its input rounding alone gives about u sqrt(2 / 3) / 2 of the bound,
            // float32 would give 10^-4 of it
            double wide = bf16Error(Layers.conv2d(64, 128, 5, 2, 2), torch.randn(8, 64, 14, 14), 1);
            assertThat(wide).isGreaterThan(0.05).isLessThanOrEqualTo(1.0);
        }
    }

    /** A bf16 image layer (one output channel, padded to 16) gets its bias gradient added outside oneDNN. */
    @Test
    void bf16ImageLayersGradientsMatchFloat32() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(6);
            Layers.Conv2d c = Layers.convTranspose2d(64, 1, 5, 2, 2, 1);
            Tensor x = torch.randn(4, 64, 14, 14);
            Tensor g = torch.randn(4, 1, 28, 28);
            c.forward(x).mul(g).sum().backward();
            Tensor wantW = c.weight.grad().clone();
            Tensor wantB = c.bias.grad().clone();
            c.weight.grad().zero_();
            c.bias.grad().zero_();
            Tensor y;
            try (Autocast ac = Autocast.bf16(true, x.device())) {
                y = c.forward(x);
            }
            assertThat(y.scalar_type().value).isEqualTo(torch.ScalarType.BFloat16.value);
            y.toType(torch.ScalarType.Float).mul(g).sum().backward();
            // the bias's gradient sums the 3,136 elements of g rounded to bf16 (u = 2^-8 each, of mean
            // 0): within lambda u |g|_2 (Hoeffding, lambda = 10), plus its own rounding u |b| and
            // float32's sumFactor(3136) sum |g|. The weight's: the mean error within
            // 2 u sqrt((2 + m) / 3), m = N + 1 = 5 roundings (see Float64Check). The float32
            // references' own errors are 10^-4 of these. A gradient missing or added twice is off by
            // its own size, 20 to 100 times these.
            double u = Rounding.U_BF16;
            double biasBar = u * wantB.abs().item_double() + Rounding.LAMBDA * u * g.norm().item_double()
                    + Rounding.sumFactor(g.numel(), Rounding.U32) * g.abs().sum().item_double();
            assertThat(c.bias.grad().sub(wantB).abs().max().item_double()).isLessThanOrEqualTo(biasBar);
            assertThat(Float64Check.rel(c.weight.grad(), wantW.toType(torch.ScalarType.Double)))
                    .isLessThanOrEqualTo(2 * u * Math.sqrt((2 + 5) / 3.0));
        }
    }
}
