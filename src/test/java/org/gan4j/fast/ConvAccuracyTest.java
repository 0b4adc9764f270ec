package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.Float64Check;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * gan4j's convolution layers in float32 and under bf16 autocast against float64, over channel
 * counts on and off oneDNN's blocks, kernels, strides, both directions and layouts, with and
 * without an input gradient: libtorch 2.10's own kernels go wrong in many of these on Zen 5 (NaN
 * outputs, 1-40% errors, a corrupted heap now and then), which the layers work around (see
 * {@code Layers.Conv2d}).
 */
class ConvAccuracyTest {
    @Test
    void randomLayersMatchFloat64WithinBf16Rounding() {
        randomLayers(21, true);
    }

    @Test
    void randomLayersMatchFloat64InFloat32() {
        randomLayers(22, false);
    }

    private static void randomLayers(long seed, boolean bf16) {
        Random r = new Random(seed);
        long[] channels = {1, 3, 8, 17, 24, 40, 48, 64, 100};
        for (int t = 0; t < 60; t++) {
            long in = channels[r.nextInt(channels.length)];
            long out = channels[r.nextInt(channels.length)];
            long k = new long[] {1, 3, 4, 5}[r.nextInt(4)];
            long s = 1 + r.nextInt(2);
            boolean transposed = r.nextBoolean();
            boolean last = r.nextBoolean();
            boolean inputGrad = r.nextBoolean();
            long p = k / 2;
            long op = transposed && s == 2 && k % 2 == 1 ? 1 : 0;
            String name = (bf16 ? "bf16 " : "float32 ") + (transposed ? "transposed " : "") + in + "->" + out + " k" + k
                    + " s" + s + (last ? " NHWC" : " NCHW") + (inputGrad ? " with input gradient" : "");
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(t);
                Layers.Conv2d conv = Fast.kernels(last, transposed
                        ? Layers.convTranspose2d(in, out, k, s, p, op) : Layers.conv2d(in, out, k, s, p));
                long side = transposed ? 7 : 14;
                Tensor x = torch.randn(16, in, side, side);
                x = last ? FastConv.channelsLastStrides(x) : x;
                x.requires_grad_(inputGrad);
                Float64Check.Errors e = Float64Check.of(conv, new Float64Check.Geometry(transposed, s, p, op), x, bf16);
                // each error as a share of its bound (see Float64Check): float32 element by element,
                // bf16 on the mean; a wrong stride, tap or channel is off by the values themselves, 50
                // or more times the bf16 bound
                assertThat(e.output()).as(name + ": output").isLessThanOrEqualTo(1.0);
                assertThat(e.inputGradient()).as(name + ": input gradient").isLessThanOrEqualTo(1.0);
                assertThat(e.weightGradient()).as(name + ": weight gradient").isLessThanOrEqualTo(1.0);
            }
        }
    }

    /** libtorch 2.10's bf16 NHWC 1x1 layer over one channel returns garbage (1e30) on Zen 5. */
    @Test
    void nhwcOneByOneLayerOverOneChannel() {
        for (long stride : new long[] {1, 2}) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(22);
                Layers.Conv2d conv = Fast.kernels(true, Layers.conv2d(1, 48, 1, stride, 0));
                Tensor x = FastConv.channelsLastStrides(torch.randn(16, 1, 14, 14));
                Float64Check.Errors e = Float64Check.of(conv, Float64Check.Geometry.conv(stride, 0), x, true);
                assertThat(e.output()).as("stride " + stride).isLessThanOrEqualTo(1.0);
            }
        }
    }
}
