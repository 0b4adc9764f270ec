package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.objectives.Penalties;
import org.junit.jupiter.api.Test;

class InPlaceActivationTest {
    /** conv -> activation -> batch norm -> activation -> linear, with the activations in place or not. */
    private static Sequential net(boolean inPlace) {
        Seeds.seedTorch(9);
        return new Sequential(
                Layers.conv2d(2, 8, 3, 2, 1), inPlace ? Layers.leakyReluInPlace(0.2) : Layers.leakyRelu(0.2),
                Layers.batchNorm(8), inPlace ? Layers.reluInPlace() : Layers.relu(),
                Layers.flatten(), Layers.linear(8 * 5 * 5, 1));
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
