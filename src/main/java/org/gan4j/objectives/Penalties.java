package org.gan4j.objectives;

import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Gradient penalties on the discriminator, added to its loss. Each takes D as a function so it
 * works for any architecture; gradients are taken with create_graph so that the penalty itself
 * is differentiated by D's backward pass (double backward).
 */
public final class Penalties {

    private Penalties() {
    }

    /**
     * WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028) as TF-GAN's wasserstein_gradient_penalty:
     * x^ = x + a (G(z) - x) with one a ~ U(0, 1) per sample; slope = sqrt(sum of squared dD/dx^
     * over all non-batch dimensions + 1e-10); penalty = E[(slope / target - 1)^2], or only the
     * part above the target when {@code oneSided}. Unweighted: the caller multiplies by lambda.
     */
    public static Tensor gradientPenalty(UnaryOperator<Tensor> d, Tensor real, Tensor fake, double target,
                                         boolean oneSided) {
        long[] shape = new long[(int) real.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = real.size(0);
        Tensor alpha = torch.rand(shape).to(real.device(), real.scalar_type());
        Tensor x = real.add(alpha.mul(fake.sub(real))).detach().requires_grad_(true);
        Tensor slopes = slopes(d.apply(x), x);
        Tensor dev = slopes.div(new Scalar(target)).sub(new Scalar(1.0));
        if (oneSided) {
            dev = torch.relu(dev);
        }
        return dev.square().mean();
    }

    /**
     * R1 (Mescheder et al. 2018, arXiv:1801.04406): gamma / 2 * E[||dD(x)/dx||^2] on real data.
     * {@code realLogits} must come from {@code real} with requires_grad set, so that D's forward
     * on real data is shared with its loss.
     */
    public static Tensor r1(Tensor realLogits, Tensor real, double gamma) {
        Tensor g = grad(realLogits, real);
        return g.square().flatten(1, -1).sum(1).mean().mul(new Scalar(gamma / 2));
    }

    /** Per-sample gradient norms of D's outputs with respect to its input, shape (N). */
    static Tensor slopes(Tensor out, Tensor x) {
        Tensor g = grad(out, x);
        return g.square().flatten(1, -1).sum(1).add(new Scalar(1e-10)).sqrt();
    }

    /** d(sum out)/dx with the graph kept for a second backward pass. */
    static Tensor grad(Tensor out, Tensor x) {
        TensorVector outs = new TensorVector(out);
        TensorVector ins = new TensorVector(x);
        TensorVector ones = new TensorVector(torch.ones_like(out));
        TensorVector gs = torch.grad(outs, ins, ones, new BoolOptional(true), true, false);
        return new Tensor(gs.get(0)); // own the handle: the vector's element dies with it
    }
}
