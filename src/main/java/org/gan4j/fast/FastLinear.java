package org.gan4j.fast;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Tensors;

/**
 * A dense layer's faster routes: split over two threads while its model's {@link DeferredGrads}
 * is open ({@link SplitLinear}), and, for channels-last maps, the flatten's copy skipped and a
 * single output taken as a product and a row sum.
 */
public final class FastLinear implements Layers.Linear.Kernel {
    private final DeferredGrads grads;

    DeferredGrads grads() {
        return grads;
    }

    public FastLinear(DeferredGrads grads) {
        this.grads = grads;
    }

    @Override
    public Tensor forward(Layers.Linear l, Tensor x) {
        if (grads != null && grads.isOpen() && SplitLinear.applies(l, x)) {
            SplitLinear.Pending p = SplitLinear.forward(l, x);
            grads.add(p::finish);
            return p.output();
        }
        return l.plain(x);
    }

    /**
     * {@code forward(x.flatten(1))} for a 4-D x, computed without that flatten's copy where x
     * is channels-last in memory: x read in its (H, W, C) order, the weight's columns permuted
     * to match (a copy of the weight, not of the batch), and the gradient reaching x in x's
     * own layout, so the convolution before does not copy it either.
     */
    @Override
    public Tensor forwardFlattened(Layers.Linear l, Tensor x) {
        if (x.dim() != 4 || x.is_contiguous() || !x.is_contiguous(torch.MemoryFormat.ChannelsLast)) {
            return forward(l, x.flatten(1, -1));
        }
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        Tensor wt = l.effectiveWeight();
        long out = wt.size(0);
        Tensor hwc = wt.view(out, c, h, w).permute(0, 2, 3, 1).reshape(out, h * w * c);
        Tensor flat = x.permute(0, 2, 3, 1).reshape(x.size(0), h * w * c);
        if (rowSum(x, out)) {
            Tensor y = flat.mul(hwc).sum(new long[] {1}, true, new ScalarTypeOptional());
            return l.counted(l.bias == null ? y : y.add(l.bias));
        }
        return l.counted(torch.linear(flat, hwc, l.bias == null ? new TensorOptional() : new TensorOptional(l.bias)));
    }

    /**
     * A critic's single logit from float32 CPU maps as a product and a row sum: OpenBLAS packs
     * the whole batch for a product with one column (D-28's head, forward + backward at batch
     * 64 on one thread: 0.55 -> 0.33 ms). Under autocast torch.linear keeps bf16.
     */
    static boolean rowSum(Tensor x, long out) {
        return out == 1 && x.is_cpu() && Tensors.isFloat(x) && !torch.is_autocast_enabled(x.device().type());
    }
}
