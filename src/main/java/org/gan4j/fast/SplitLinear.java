package org.gan4j.fast;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.Layers;
import org.gan4j.nn.Params;
import org.gan4j.nn.Tensors;

/**
 * A dense layer fed by an input that needs no gradient (G's noise), computed outside autograd as
 * two halves of its output features side by side ({@link TeamFork}), its weight gradient likewise
 * once the caller's backward has reached its output. libtorch runs a float32 linear layer through
 * OpenBLAS on one thread while its second thread waits: DCGAN-28's 100 -> 12544 layer took ~2.1
 * ms forward and ~2.1 ms for its weight gradient on one vCPU, ~1.1 and ~1.0 split (seen here).
 */
public final class SplitLinear {
    private SplitLinear() {
    }

    /**
     * Multiply-adds below which a fork's hand-over (tens of microseconds) outweighs the half of
     * the product it saves; DCGAN-28's layer at batch 64 has 80 million.
     */
    static final long MIN_MACS = 1L << 22;

    /**
     * True where {@link #forward} applies: a CPU float32 input that needs no gradient, a layer
     * without spectral norm and with {@link #MIN_MACS} of work, two libtorch threads, gradients
     * recorded and no autocast.
     */
    public static boolean applies(Layers.Linear l, Tensor x) {
        return !l.spectralNorm() && TeamFork.available() && x.is_cpu() && Tensors.isFloat(x) && !x.requires_grad()
                && x.dim() == 2 && l.weight.size(0) >= 2 && x.size(0) * l.weight.numel() >= MIN_MACS
                && GradMode.is_enabled() && !torch.is_autocast_enabled(x.device().type());
    }

    /**
     * {@code l.forward(x)} as a leaf that collects its gradient; the layer's own gradients follow
     * from {@link Pending#finish}, which the caller runs after its backward.
     */
    public static Pending forward(Layers.Linear l, Tensor x) {
        long out = l.weight.size(0);
        long half = out / 2;
        Tensor y = torch.empty(x.size(0), out);
        TeamFork.both(() -> product(y, x, l, 0, half), () -> product(y, x, l, half, out - half));
        return new Pending(l, x, l.counted(y).requires_grad_(true));
    }

    /**
     * Output features [from, from + n): x times those rows of the weight, plus their bias. Grad
     * mode is per thread: each branch turns it off for itself.
     */
    private static void product(Tensor y, Tensor x, Layers.Linear l, long from, long n) {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor w = l.weight.narrow(0, from, n).t();
            Tensor dst = y.narrow(1, from, n);
            if (l.bias == null) {
                torch.mm_out(dst, x, w);
            } else {
                torch.addmm_out(dst, l.bias.narrow(0, from, n), x, w);
            }
        }
    }

    /** A split forward whose layer gradients are still to come. */
    public static final class Pending {
        private final Layers.Linear layer;
        private final Tensor input;
        private final Tensor output;

        Pending(Layers.Linear layer, Tensor input, Tensor output) {
            this.layer = layer;
            this.input = input;
            this.output = output;
        }

        /** The layer's output, a leaf of the caller's graph. */
        public Tensor output() {
            return output;
        }

        /**
         * Adds the layer's weight (and bias) gradients from the gradient the output collected, as
         * autograd would have; nothing where no backward reached it.
         */
        public void finish() {
            Tensor gy = output.grad();
            if (!gy.defined()) {
                return;
            }
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor w = layer.weight;
                boolean fresh = !w.grad().defined();
                Tensor gw = fresh ? torch.empty_like(w) : w.grad();
                long out = w.size(0);
                long half = out / 2;
                TeamFork.both(() -> weightGrad(gw, gy, fresh, 0, half), () -> weightGrad(gw, gy, fresh, half, out - half));
                if (fresh) {
                    w.mutable_grad().put(gw);
                }
                if (layer.bias != null) {
                    Params.addGrad(layer.bias, gy.sum(new long[] {0}, false, null));
                }
            }
        }

        /** Rows [from, from + n) of the weight's gradient: gy's columns there, transposed, times x. */
        private void weightGrad(Tensor gw, Tensor gy, boolean fresh, long from, long n) {
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor dst = gw.narrow(0, from, n);
                Tensor g = gy.narrow(1, from, n).t();
                if (fresh) {
                    torch.mm_out(dst, g, input);
                } else {
                    torch.addmm_out(dst, dst, g, input);
                }
            }
        }
    }
}
