package org.gan4j.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Convolutions whose output channels (transposed: input channels) are not a multiple of 16, whose
 * input gradient libtorch 2.10 gets wrong in float32 on AMD's Zen 5, against float64.
 */
class SmallChannelConvTest {
    @Test
    void fewOutputChannelsGiveTheRightInputGradient() {
        // in, out, kernel, stride, padding, side, batch: DCGAN-32's output layer (512->1 on 4x4),
        // a PatchGAN-like 64->1, first layers 1->8, 1->25, 1->17, a 3x3 16->4, DCGAN-28's taps 64->25
        long[][] cases = {{512, 1, 4, 1, 0, 4, 2}, {64, 1, 4, 1, 1, 8, 2}, {1, 8, 5, 2, 2, 28, 4}, {1, 25, 5, 2, 2, 28, 4},
                          {1, 17, 5, 2, 2, 28, 2}, {16, 4, 3, 1, 1, 14, 8}, {64, 25, 1, 1, 0, 14, 4}};
        for (long[] c : cases) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(c[0] + c[1]);
                long[] st = {c[3], c[3]};
                long[] pd = {c[4], c[4]};
                long[] dl = {1, 1};
                SameMap.check(java.util.Arrays.toString(c), torch.randn(c[6], c[0], c[5], c[5]),
                        torch.randn(c[1], c[0], c[2], c[2]), torch.randn(c[1]),
                        (x, w, b) -> torch.conv2d(x, w, new TensorOptional(b), st, pd, dl, 1),
                        (x, w, b) -> ChannelPadding.conv2dWithOutputs(x, w, new TensorOptional(b), st, pd, dl, ChannelPadding.outputBlockPad(c[1])));
            }
        }
    }

    @Test
    void transposedWithFewInputChannelsGivesTheRightOutput() {
        // in, out, kernel, stride, padding, output padding, side
        long[][] cases = {{8, 32, 4, 2, 1, 0, 7}, {4, 16, 5, 1, 2, 0, 6}, {20, 16, 4, 2, 1, 0, 5}};
        for (long[] c : cases) {
            try (PointerScope scope = new PointerScope()) {
                Seeds.seedTorch(c[0] * 7 + c[1]);
                long[] st = {c[3], c[3]};
                long[] pd = {c[4], c[4]};
                long[] dl = {1, 1};
                SameMap.check(java.util.Arrays.toString(c), torch.randn(3, c[0], c[6], c[6]),
                        torch.randn(c[0], c[1], c[2], c[2]), torch.randn(c[1]),
                        (x, w, b) -> torch.conv_transpose2d(x, w, new TensorOptional(b), st, pd,
                                new long[] {c[5], c[5]}, 1, dl),
                        (x, w, b) -> ChannelPadding.convTranspose2dWithInputs(x, w, new TensorOptional(b), st, pd, c[5], dl, ChannelPadding.padTo(c[0], ChannelPadding.CHANNEL_BLOCK)));
            }
        }
    }
}
