package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.objectives.Penalties;
import org.junit.jupiter.api.Test;

class InPlaceActivationTest {
    /**
     * conv -> activation -> batch norm -> activation -> linear, with the activations in place or
     * not. 16 output channels: other counts take the padded path of {@code Layers.Conv2d.conv2d}, whose
     * extra graph nodes add the weight's three gradient terms in an order that depends on the
     * activations' nodes (1 ulp apart), while this test is about the activations alone.
     */
    private static Sequential net(boolean inPlace) {
        Seeds.seedTorch(9);
        return new Sequential(
                Layers.conv2d(2, 16, 3, 2, 1), inPlace ? Layers.leakyReluInPlace(0.2) : Layers.leakyRelu(0.2),
                Layers.batchNorm(16), inPlace ? Layers.reluInPlace() : Layers.relu(),
                Layers.flatten(), Layers.linear(16 * 5 * 5, 1));
    }

    /** Same outputs, weight gradients and gradient penalty (a double backward) as the copying layers. */
    @Test
    void matchTheCopyingLayersThroughDoubleBackward() {
        try (PointerScope scope = new PointerScope()) {
            Sequential copying = net(false);
            Sequential inPlace = net(true);
            Seeds.seedTorch(10);
            Tensor real = torch.randn(6, 2, 10, 10);
            Tensor fake = torch.randn(6, 2, 10, 10);
            Tensor[] grads = new Tensor[2];
            double[] outs = new double[2];
            int i = 0;
            for (Sequential n : new Sequential[] {copying, inPlace}) {
                Seeds.seedTorch(11); // the penalty's interpolation weights
                Tensor out = n.forward(real);
                Tensor gp = Penalties.gradientPenalty(n::forward, real, fake, 1.0, false);
                out.sum().add(gp).backward();
                outs[i] = out.sum().item_double() + 1000 * gp.item_double();
                grads[i++] = Params.of(n)[0].grad().clone();
            }
            assertThat(outs[1]).isEqualTo(outs[0]);
            assertThat(grads[1].sub(grads[0]).abs().max().item_double()).isZero();
            assertThat(grads[0].abs().max().item_double()).isGreaterThan(0);
        }
    }

    /**
     * conv -> dropout in place -> LeakyReLU in place (DCGAN-28's D) against conv -> LeakyReLU ->
     * dropout with the same mask: the same outputs and gradients, up to float rounding.
     */
    @Test
    void dropoutBeforeTheActivationIsTheSameMap() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = torch.randn(4, 2, 12, 12).requires_grad_(true);
            Tensor[] outs = new Tensor[2];
            Tensor[] xGrads = new Tensor[2];
            Tensor[] wGrads = new Tensor[2];
            for (int i = 0; i < 2; i++) {
                Seeds.seedTorch(21);
                Sequential n = i == 0
                        ? new Sequential(Layers.conv2d(2, 8, 3, 2, 1), Layers.leakyRelu(0.2), Layers.dropout(0.3))
                        : new Sequential(Layers.conv2d(2, 8, 3, 2, 1), Layers.dropoutInPlace(0.3), Layers.leakyReluInPlace(0.2));
                Seeds.seedTorch(22); // the same mask both times
                outs[i] = n.forward(x);
                Tensor g = torch.linspace(new Scalar(-1), new Scalar(1), outs[i].numel()).reshape(outs[i].sizes().vec().get());
                outs[i].mul(g).sum().backward();
                xGrads[i] = x.grad().clone();
                x.grad().zero_();
                wGrads[i] = Params.of(n)[0].grad().clone();
            }
            assertThat(outs[0].eq(new Scalar(0)).sum().item_long()).isGreaterThan(outs[0].numel() / 5); // dropout ran
            assertThat(outs[1].sub(outs[0]).abs().max().item_double()).isLessThan(1e-6);
            assertThat(xGrads[1].sub(xGrads[0]).abs().max().item_double()).isLessThan(1e-6);
            assertThat(wGrads[1].sub(wGrads[0]).abs().max().item_double()).isLessThan(1e-5);
            assertThat(wGrads[0].abs().max().item_double()).isGreaterThan(0.01);
        }
    }

    @Test
    void overwriteTheirInput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = torch.randn(100);
            Tensor y = Layers.leakyReluInPlace(0.2).forward(x);
            assertThat(x.data_ptr().address()).isEqualTo(y.data_ptr().address());
            assertThat(x.min().item_double()).isGreaterThan(-1); // negatives scaled by 0.2 in x itself
        }
    }
}
