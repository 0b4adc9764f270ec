package org.gan4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FusedAdamTest {
    @TempDir
    java.nio.file.Path tmp;

    /** Three parameters: a dense weight, a channels-last conv weight, a bias that sometimes gets no gradient. */
    private static Tensor[] params(long seed) {
        torch.manual_seed(seed);
        return new Tensor[] {
            torch.randn(7, 5).requires_grad_(true),
            torch.randn(4, 3, 3, 3).contiguous(torch.MemoryFormat.ChannelsLast).requires_grad_(true),
            torch.randn(6).requires_grad_(true)};
    }

    private static Tensor[] copies(Tensor[] ps) {
        Tensor[] out = new Tensor[ps.length];
        for (int i = 0; i < ps.length; i++) {
            out[i] = ps[i].detach().clone().requires_grad_(true);
        }
        return out;
    }

    /** A loss with a different gradient per step; the bias is left out on odd steps. */
    private static void backward(Tensor[] ps, int step) {
        Tensor loss = ps[0].pow(new Scalar(3)).sum().add(ps[1].sin().mul(new Scalar(step + 1)).sum());
        if (step % 2 == 0) {
            loss = loss.add(ps[2].mul(ps[2]).sum());
        }
        loss.backward();
    }

    /** One step of each optimizer from the same loss, each side on its own weights. */
    private static void stepBoth(Adam ref, Tensor[] a, FusedAdam fused, Tensor[] b, int step) {
        ref.zero_grad();
        fused.zeroGrad();
        backward(a, step);
        backward(b, step);
        ref.step();
        fused.step();
    }

    private static double maxDiff(Tensor[] a, Tensor[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, a[i].sub(b[i]).abs().max().item_double());
        }
        return d;
    }

    /**
     * How far two float32 Adam implementations may drift apart over steps at these learning
     * rates, betas 0.5 and 0.999: each step is lr m^ / (sqrt(v^) + eps), at most
     * lr (1 - b1) / sqrt(1 - b2) = 15.8 lr (Kingma & Ba 2015, §2.1), computed by each in at most 16
     * float32 operations (u = 2^-24 of it each), then added to a weight of at most |p| (u |p|), on
     * both sides. The drift feeds back through the next gradients at a relative 1e-7, ignored. A
     * reset or missing step moves weights by ~lr, 10^4 times more.
     */
    private static double adamBound(double maxWeight, double... lrs) {
        double r = (1 - 0.5) / Math.sqrt(1 - 0.999);
        double bound = 0;
        double moved = 0;
        for (double lr : lrs) {
            moved += lr * r;
            bound += 2 * (16 * Rounding.U32 * lr * r + Rounding.U32 * (maxWeight + moved));
        }
        return bound;
    }

    private static double maxAbs(Tensor[] ps) {
        double m = 0;
        for (Tensor p : ps) {
            m = Math.max(m, p.abs().max().item_double());
        }
        return m;
    }

    private static Adam torchAdam(Tensor[] ps, double lr) {
        return new Adam(new TensorVector(ps), Optimizers.adamOptions(lr, 0.5, 0.999, 1e-8));
    }

    @Test
    void stepsMatchLibtorchAdam() {
        Tensor[] a = params(3);
        Tensor[] b = copies(a);
        Adam ref = torchAdam(a, 0.05);
        FusedAdam fused = new FusedAdam(b, 0.05, 0.5, 0.999, 1e-8);
        for (int s = 0; s < 6; s++) {
            // each step in its own scope, as the trainer runs them: what the first one
            // compiles must outlive it
            try (PointerScope scope = new PointerScope()) {
                stepBoth(ref, a, fused, b, s);
            }
            if (s == 3) {
                ref.param_groups().get(0).options().set_lr(0.01);
                fused.setLr(0.01);
            }
        }
        assertThat(maxDiff(a, b)).isLessThanOrEqualTo(adamBound(maxAbs(params(3)), 0.05, 0.05, 0.05, 0.05, 0.01, 0.01));
        // the parameters moved, and the bias (no gradient on odd steps) took 3 steps, not 6
        assertThat(maxDiff(a, params(3))).isGreaterThan(0.01);
        assertThat(fused.steps()).isEqualTo(6);
    }

    @Test
    void zeroGradDropsGradients() {
        Tensor[] a = params(4);
        FusedAdam fused = new FusedAdam(a, 0.1, 0.5, 0.999, 1e-8);
        backward(a, 0);
        assertThat(a[0].grad().defined()).isTrue();
        fused.zeroGrad();
        for (Tensor p : a) {
            assertThat(p.grad().defined()).isFalse();
        }
        Tensor before = a[0].detach().clone();
        fused.step(); // no gradients: nothing moves
        assertThat(a[0].sub(before).abs().max().item_double()).isZero();
    }

    /** State written by either optimizer resumes in the other, and the next steps agree. */
    @Test
    void stateRoundTripsThroughLibtorchAdamsLayout() {
        for (boolean fusedWrites : new boolean[] {true, false}) {
            Tensor[] a = params(5);
            Tensor[] b = copies(a);
            Adam ref = torchAdam(a, 0.05);
            FusedAdam fused = new FusedAdam(b, 0.05, 0.5, 0.999, 1e-8);
            for (int s = 0; s < 3; s++) {
                stepBoth(ref, a, fused, b, s);
            }
            // resume each side from the other's archive, on fresh copies of the weights
            Tensor[] a2 = copies(a);
            Tensor[] b2 = copies(b);
            Adam ref2 = torchAdam(a2, 1.0);
            FusedAdam fused2 = new FusedAdam(b2, 1.0, 0.5, 0.999, 1e-8);
            java.nio.file.Path file = tmp.resolve("opt-" + fusedWrites + ".pt");
            OutputArchive out = new OutputArchive();
            if (fusedWrites) {
                fused.save(out);
            } else {
                ref.save(out);
            }
            out.save_to(file.toString());
            InputArchive in = new InputArchive();
            in.load_from(file.toString());
            ref2.load(in);
            InputArchive in2 = new InputArchive();
            in2.load_from(file.toString());
            fused2.load(in2);
            assertThat(fused2.lr()).isEqualTo(0.05);
            assertThat(fused2.steps()).isEqualTo(3);
            for (int s = 3; s < 5; s++) {
                stepBoth(ref2, a2, fused2, b2, s);
            }
            // a reset state would differ by far more: Adam's first step moves every weight by ~lr
            assertThat(maxDiff(a2, b2)).as("written by %s", fusedWrites ? "FusedAdam" : "libtorch")
                    .isLessThanOrEqualTo(adamBound(maxAbs(params(5)), 0.05, 0.05, 0.05, 0.05, 0.05));
        }
    }

    @Test
    void stateOfAnotherNetworkIsRefused() {
        Tensor[] a = params(6);
        FusedAdam fused = new FusedAdam(a, 0.1, 0.5, 0.999, 1e-8);
        OutputArchive out = new OutputArchive();
        fused.save(out);
        java.nio.file.Path file = tmp.resolve("three.pt");
        out.save_to(file.toString());
        FusedAdam other = new FusedAdam(new Tensor[] {torch.randn(2).requires_grad_(true)}, 0.1, 0.5, 0.999, 1e-8);
        InputArchive in = new InputArchive();
        in.load_from(file.toString());
        assertThatThrownBy(() -> other.load(in)).hasMessageContaining("holds 3 parameters, the network has 1");
    }
}
