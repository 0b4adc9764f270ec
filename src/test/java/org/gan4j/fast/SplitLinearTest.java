package org.gan4j.fast;

import org.gan4j.nn.Params;
import org.gan4j.nn.Seeds;
import org.gan4j.nn.GradAsserts;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.gan4j.models.DcganGenerator28;
import org.gan4j.models.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TwoLibtorchThreads.class)
class SplitLinearTest {
    @Test
    void splitLayerGivesAutogradsOutputAndGradientsAndAccumulates() {
        for (boolean bias : new boolean[] {false, true}) {
            try (PointerScope s = new PointerScope()) {
                Seeds.seedTorch(11);
                // an odd width: halves of 2048 and 2049; 16 x 100 x 4097 multiply-adds, over MIN_MACS
                Layers.Linear plain = Layers.linear(100, 4097, bias);
                Layers.Linear split = Layers.linear(100, 4097, bias);
                try (NoGradGuard ng = new NoGradGuard()) {
                    split.weight.copy_(plain.weight);
                    if (bias) {
                        split.bias.copy_(plain.bias);
                    }
                }
                Tensor x = torch.randn(16, 100);
                assertThat(SplitLinear.applies(split, x)).isTrue();
                assertThat(SplitLinear.applies(split, x.narrow(0, 0, 4)))
                        .as("too little work to fork").isFalse();
                assertThat(SplitLinear.applies(split, x.clone().requires_grad_(true)))
                        .as("its input gradient is not computed").isFalse();
                // float64 references: the exact map and gradients, the sums of |terms| (S) of each;
                // float32 gets each within Rounding.sumFactor(n) S, n = 101 terms per output (100
                // products and the bias), 16 per gradient and pass (summed over the batch): both
                // the split layer and autograd's, so they agree within twice that. A wrong half, a
                // missing bias or a gradient not added is off by the values themselves, over 10^3 times more.
                Tensor x64 = x.to(torch.ScalarType.Double);
                Tensor w64 = plain.weight.detach().to(torch.ScalarType.Double);
                Tensor wantW = torch.zeros_like(w64);
                Tensor absW = torch.zeros_like(w64);
                Tensor wantB = torch.zeros(4097).to(torch.ScalarType.Double);
                Tensor absB = torch.zeros_like(wantB);
                for (int pass = 0; pass < 2; pass++) { // the second pass adds to the first's gradients
                    Tensor g = torch.randn(16, 4097);
                    Tensor g64 = g.to(torch.ScalarType.Double);
                    Tensor want = plain.forward(x);
                    want.mul(g).sum().backward();
                    SplitLinear.Pending p = SplitLinear.forward(split, x);
                    Tensor exact = x64.mm(w64.t());
                    Tensor abs = x64.abs().mm(w64.abs().t());
                    if (bias) {
                        exact = exact.add(plain.bias.detach().to(torch.ScalarType.Double));
                        abs = abs.add(plain.bias.detach().to(torch.ScalarType.Double).abs());
                    }
                    Tensor outBound = abs.mul(new Scalar(Rounding.sumFactor(bias ? 101 : 100, Rounding.U32)));
                    Rounding.assertWithin(p.output(), exact, outBound, "split output, bias " + bias);
                    Rounding.assertWithin(want, exact, outBound, "autograd's output, bias " + bias);
                    p.output().mul(g).sum().backward();
                    assertThat(split.weight.grad().defined()).as("not before finish").isEqualTo(pass > 0);
                    p.finish();
                    wantW = wantW.add(g64.t().mm(x64));
                    absW = absW.add(g64.abs().t().mm(x64.abs()));
                    Scalar factor = new Scalar(Rounding.sumFactor(16 * (pass + 1), Rounding.U32));
                    Rounding.assertWithin(split.weight.grad(), wantW, absW.mul(factor), "split weight gradient");
                    Rounding.assertWithin(plain.weight.grad(), wantW, absW.mul(factor), "autograd's weight gradient");
                    if (bias) {
                        wantB = wantB.add(g64.sum(new long[] {0}));
                        absB = absB.add(g64.abs().sum(new long[] {0}));
                        Rounding.assertWithin(split.bias.grad(), wantB, absB.mul(factor), "split bias gradient");
                        Rounding.assertWithin(plain.bias.grad(), wantB, absB.mul(factor), "autograd's bias gradient");
                    }
                }
            }
        }
    }

    @Test
    void dcganGeneratorWithItsDenseLayerSplitMatchesThePlainForwardAndBackward() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(12);
            DcganGenerator28 a = new DcganGenerator28(100);
            Seeds.seedTorch(12);
            DcganGenerator28 b = Fast.kernels(false, new DcganGenerator28(100));
            Tensor z = torch.randn(8, 100);
            Tensor g = torch.randn(8, 1, 28, 28);
            Tensor want = a.forward(z);
            want.mul(g).sum().backward();
            Fast.Deferred d = Fast.forwardDeferred(b, z, null);
            assertThat(d.grads().size()).as("the dense layer runs split, nothing else defers").isEqualTo(1);
            // only the dense layer is computed another way: its outputs and gradients each within
            // sumFactor(n) (u = 2^-24) of their terms' magnitudes, n = 101 for outputs (100 products
            // and the bias), so the two differ by at most twice that. Batch norm right after takes
            // the outputs' scale out and the layers after are the same (tanh and ReLU of gain at most
            // 1, convolutions at DCGAN's init of gain about 1): the samples, in (-1, 1), and every
            // parameter's gradient downstream within 2 sumFactor(101) = 1.2e-5 of their largest
            // (in a run of the whole suite all 11 differ; alone, the forwards come out bit-equal).
            // The dense weight's own gradient sums the batch's 8 products, each no larger than the
            // largest gradient: 2 sumFactor(8) 8 = 7.6e-6 of it, within the same figure. A wrong
            // half or a gradient not added is off by the values themselves.
            double tol = 2 * Rounding.sumFactor(101, Rounding.U32);
            Rounding.assertWithin(d.samples(), want.to(torch.ScalarType.Double),
                    torch.full_like(want, new Scalar(tol)).to(torch.ScalarType.Double), "DCGAN-28 samples");
            d.samples().mul(g).sum().backward();
            d.finish();
            GradAsserts.sameGradients(a, b, Params.of(a).length, tol, 1e-3, "split");
        }
    }
}
