package org.gan4j.objectives;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

class ModeSeekingTest {
    @Test
    void isTheInverseRatioOfOutputToNoiseDistanceOverPairs() {
        try (PointerScope s = new PointerScope()) {
            // pairs (i, i + 2): outputs 1 apart in every pixel, noise 4 apart in every coordinate
            Tensor fake = torch.cat(new TensorVector(torch.zeros(2, 1, 3, 3), torch.ones(2, 1, 3, 3)));
            Tensor z = torch.cat(new TensorVector(torch.zeros(2, 5), torch.full(new long[] {2, 5}, new Scalar(4.0))));
            assertThat(ModeSeeking.loss(fake, z).item_double()).isCloseTo(1 / (0.25 + ModeSeeking.EPS),
                    within(Rounding.gamma(32, Rounding.U32) * 4)); // float32: two means of 9 and 5 terms, a ratio
            // a generator that ignores z is penalised by 1 / eps
            Tensor same = torch.ones(4, 1, 3, 3);
            assertThat(ModeSeeking.loss(same, z).item_double()).isCloseTo(1 / ModeSeeking.EPS,
                    within(Rounding.gamma(4, Rounding.U32) / ModeSeeking.EPS)); // eps rounded, a sum, a ratio
            // a descent step on it pushes the paired outputs apart: the lower half (0) down, the upper (0.5) up
            Tensor x = torch.cat(new TensorVector(torch.zeros(2, 1, 3, 3), torch.full(new long[] {2, 1, 3, 3}, new Scalar(0.5))))
                    .requires_grad_(true);
            ModeSeeking.loss(x, z).backward();
            assertThat(x.grad().narrow(0, 0, 2).min().item_double()).isPositive();
            assertThat(x.grad().narrow(0, 2, 2).max().item_double()).isNegative();
            assertThatThrownBy(() -> ModeSeeking.loss(torch.ones(3, 2), torch.ones(3, 2)))
                    .hasMessageContaining("even");
        }
    }
}
