package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.objectives.Penalties;
import org.gan4j.Rounding;
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
            double w = 0;
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
                w = Params.of(n)[0].abs().max().item_double();
            }
            assertThat(outs[0].eq(new Scalar(0)).sum().item_long()).isGreaterThan(outs[0].numel() / 5); // dropout ran
            // the two orders multiply by the rounded slope and 1 / (1 - p) in turn: 4 roundings each,
            // at most 8 u (u = 2^-24) of the output and of the gradient g passes back, |g| / (1 - p)
            // at most; the convolution's gradients then sum n such terms (72 taps and output
            // channels per input element, 4 x 6 x 6 per weight), each side within sumFactor(n) of
            // the sum of |terms|, at most n max|gy| max|w| (or max|x|). A mask differing, or the
            // slope applied to the wrong sign, is off by the values themselves.
            double u = Rounding.U32;
            double gy = 1 / 0.7;
            double xMax = x.abs().max().item_double();
            assertThat(outs[1].sub(outs[0]).abs().max().item_double())
                    .isLessThanOrEqualTo(8 * u * outs[0].abs().max().item_double());
            assertThat(xGrads[1].sub(xGrads[0]).abs().max().item_double())
                    .isLessThanOrEqualTo((8 * u + 2 * Rounding.sumFactor(72, u)) * 72 * gy * w);
            assertThat(wGrads[1].sub(wGrads[0]).abs().max().item_double())
                    .isLessThanOrEqualTo((8 * u + 2 * Rounding.sumFactor(144, u)) * 144 * gy * xMax);
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
