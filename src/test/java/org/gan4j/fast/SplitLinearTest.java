package org.gan4j.fast;

import org.gan4j.nn.Seeds;
import org.gan4j.nn.GradAsserts;
import org.gan4j.nn.Layers;
import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.models.DcganGenerator28;
import org.gan4j.models.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TwoLibtorchThreads.class)
class SplitLinearTest {
    private static double maxDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

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
                for (int pass = 0; pass < 2; pass++) { // the second pass adds to the first's gradients
                    Tensor g = torch.randn(16, 4097);
                    Tensor want = plain.forward(x);
                    want.mul(g).sum().backward();
                    SplitLinear.Pending p = SplitLinear.forward(split, x);
                    assertThat(maxDiff(p.output(), want)).as("bias " + bias).isLessThan(1e-5);
                    p.output().mul(g).sum().backward();
                    assertThat(split.weight.grad().defined()).as("not before finish").isEqualTo(pass > 0);
                    p.finish();
                    assertThat(maxDiff(split.weight.grad(), plain.weight.grad())).isLessThan(1e-5);
                    if (bias) {
                        assertThat(maxDiff(split.bias.grad(), plain.bias.grad())).isLessThan(1e-5);
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
            assertThat(maxDiff(d.samples(), want)).isLessThan(1e-5);
            d.samples().mul(g).sum().backward();
            d.finish();
            GradAsserts.sameGradients(a, b, 1e-4, 1e-3, "split");
        }
    }
}
