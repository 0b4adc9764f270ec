package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class LinearTest {
    /**
     * A layer to one output (a D's logit) runs as a matrix-vector product: the same output and
     * gradients (input, weight, bias) as libtorch's linear, from flat and channels-last inputs.
     */
    @Test
    void oneOutputLayerMatchesTorchLinear() {
        for (boolean maps : new boolean[] {false, true}) {
            try (PointerScope s = new PointerScope()) {
                Seeds.seedTorch(3);
                Layers.Linear l = Layers.linear(6 * 3 * 4, 1);
                Tensor x = torch.randn(5, 6, 3, 4);
                Tensor in = (maps ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x.flatten(1, -1).contiguous())
                        .requires_grad_(true);
                Tensor got = maps ? l.forwardFlattened(in) : l.forward(in);
                Tensor w = l.weight.detach().clone().requires_grad_(true);
                Tensor b = l.bias.detach().clone().requires_grad_(true);
                Tensor ref = x.clone().requires_grad_(true);
                Tensor want = torch.linear(ref.flatten(1, -1), w, new TensorOptional(b));
                assertThat(got.sizes().vec().get()).containsExactly(5, 1);
                assertThat(got.sub(want).abs().max().item_double()).as("maps " + maps).isLessThan(1e-5);
                Tensor g = torch.randn(5, 1);
                got.mul(g).sum().backward();
                want.mul(g).sum().backward();
                assertThat(l.weight.grad().sub(w.grad()).abs().max().item_double()).isLessThan(1e-5);
                assertThat(l.bias.grad().sub(b.grad()).abs().max().item_double()).isLessThan(1e-5);
                assertThat(in.grad().reshape(5, -1).sub(ref.grad().reshape(5, -1)).abs().max().item_double())
                        .isLessThan(1e-5);
            }
        }
    }
}
