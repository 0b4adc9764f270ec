package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;

class DropoutTest {
    @Test
    void zeroesTheShareAskedScalesTheRestAndPassesGradientsThroughTheMask() {
        try (PointerScope s = new PointerScope()) {
            Seeds.seedTorch(5);
            Net d = Layers.dropout(0.3);
            d.train(true);
            Tensor x = torch.ones(200_000).requires_grad_(true);
            Tensor y = d.forward(x);
            double zeros = y.eq(new Scalar(0)).toType(torch.ScalarType.Float).mean().item_double();
            // the share dropped is a binomial mean: within 6 standard deviations, sqrt(p (1 - p) / n),
            // of p (fails once in 5e8); the float32 mean of n 0/1 values is off by at most
            // sumFactor(n) of the share
            double sd = Math.sqrt(0.3 * 0.7 / 200_000);
            double shareBar = 6 * sd + Rounding.sumFactor(200_000, Rounding.U32) * 0.3;
            assertThat(zeros).isCloseTo(0.3, within(shareBar));
            // kept elements are scaled by 1 / (1 - p) rounded to float32, so the mean is unchanged:
            // the mean within 6 sd / (1 - p) of 1
            assertThat(y.max().item_double()).isCloseTo(1 / 0.7, within(2 * Rounding.U32 / 0.7));
            assertThat(y.mean().item_double()).isCloseTo(1.0, within(6 * sd / 0.7 + Rounding.sumFactor(200_000, Rounding.U32)));
            y.sum().backward();
            assertThat(x.grad().sub(y).abs().max().item_double()).as("gradient = mask / (1 - p)").isZero();
            // the same seed gives the same mask (bitwise resume depends on it)
            Seeds.seedTorch(5);
            Tensor again = d.forward(torch.ones(200_000));
            assertThat(again.sub(y.detach()).abs().max().item_double()).isZero();
            // bf16 activations: the mask still keeps 1 - p
            Tensor b = d.forward(torch.ones(200_000).toType(torch.ScalarType.BFloat16));
            assertThat(b.scalar_type().value).isEqualTo(torch.ScalarType.BFloat16.value);
            assertThat(b.eq(new Scalar(0)).toType(torch.ScalarType.Float).mean().item_double())
                    .isCloseTo(0.3, within(shareBar));
            // a fresh mask each call, and no two blocks of one mask alike (each has its own stream)
            Tensor next = d.forward(torch.ones(200_003));
            assertThat(next.narrow(0, 0, 200_000).ne(again).toType(torch.ScalarType.Float).mean().item_double())
                    .isGreaterThan(0.3);
            assertThat(next.narrow(0, 0, 65_536).ne(next.narrow(0, 65_536, 65_536)).toType(torch.ScalarType.Float)
                    .mean().item_double()).isGreaterThan(0.3);
            assertThat(next.narrow(0, 199_999, 4).eq(new Scalar(0)).toType(torch.ScalarType.Float).sum().item_double()
                    + next.narrow(0, 199_999, 4).gt(new Scalar(1.4)).toType(torch.ScalarType.Float).sum().item_double())
                    .as("the tail past the last whole group of four is drawn too").isEqualTo(4.0);
            d.train(false);
            assertThat(d.forward(x).sub(x).abs().max().item_double()).as("identity in eval mode").isZero();
        }
    }

    /**
     * A channels-last input gets a channels-last mask, filled in memory order from the same
     * draws as a contiguous one (x * mask then runs over both in memory order; a mask of the
     * other layout made the product and its gradient take a strided path).
     */
    @Test
    void theMaskFollowsTheInputsLayout() {
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.ones(4, 16, 6, 6);
            Seeds.seedTorch(9);
            Tensor plain = DropoutMask.draw(x, 0.3);
            Seeds.seedTorch(9);
            Tensor last = DropoutMask.draw(x.contiguous(torch.MemoryFormat.ChannelsLast), 0.3);
            assertThat(plain.is_contiguous()).isTrue();
            assertThat(last.is_contiguous(torch.MemoryFormat.ChannelsLast)).isTrue();
            assertThat(last.is_contiguous()).isFalse();
            // the same values in memory order: NHWC's memory order is permute(0, 2, 3, 1)'s
            Tensor lastInMemoryOrder = last.permute(0, 2, 3, 1).contiguous().view(-1);
            assertThat(lastInMemoryOrder.sub(plain.view(-1)).abs().max().item_double()).isZero();
            // a binomial share over 2,304 elements: within 6 standard deviations of p
            assertThat(plain.eq(new Scalar(0)).toType(torch.ScalarType.Float).mean().item_double())
                    .isCloseTo(0.3, within(6 * Math.sqrt(0.3 * 0.7 / plain.numel())));
        }
    }

    /**
     * The documented streams: block b of a mask is SplittableRandom's stream for the mask's
     * seed mixed with b, its draws' low halves first, then their high halves, then the tail.
     */
    @Test
    void eachBlockIsSplittableRandomsStream() {
        try (PointerScope s = new PointerScope()) {
            int n = 65_536 + 4 * 1_000 + 3; // one whole block, then one of 1,000 draws and a tail of 3
            Seeds.seedTorch(11);
            long seed = torch.randint(Long.MAX_VALUE, new long[] {1}).item_long();
            Seeds.seedTorch(11);
            float[] mask = new float[n];
            DropoutMask.draw(torch.ones(n), 0.3).data_ptr_float().get(mask);
            float keep = (float) (1 / 0.7);
            int threshold = (int) Math.round(0.3 * 65536);
            float[] expected = new float[n];
            for (int from = 0; from < n; from += 65_536) {
                int len = Math.min(65_536, n - from);
                int q = len / 4;
                SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (from / 65_536 + 1)));
                for (int j = 0; j < q; j++) {
                    long bits = r.nextLong();
                    for (int c = 0; c < 4; c++) {
                        int at = from + (c < 2 ? 2 * j + c : 2 * q + 2 * j + c - 2);
                        expected[at] = (bits >>> 16 * c & 0xFFFF) < threshold ? 0 : keep;
                    }
                }
                long bits = r.nextLong();
                for (int i = 4 * q; i < len; i++, bits >>>= 16) {
                    expected[from + i] = (bits & 0xFFFF) < threshold ? 0 : keep;
                }
            }
            assertThat(mask).containsExactly(expected);
        }
    }
}
