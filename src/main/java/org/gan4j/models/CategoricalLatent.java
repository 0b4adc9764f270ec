package org.gan4j.models;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A latent space of K equally likely components: the first noise coordinate picks a component
 * (through the normal CDF, so plain N(0, 1) noise stays the input), passed to the inner
 * generator one-hot beside the other coordinates. A generator of one connected latent must
 * spread samples over the gaps between separate modes; with components it need not (a
 * mixture prior as in DeLiGAN, Gurumurthy et al. 2017, with fixed equal weights).
 */
public final class CategoricalLatent extends Generator {
    private final Generator inner;
    private final int components;

    /** {@code inner} takes {@code zDim - 1 + components} inputs. */
    public CategoricalLatent(int zDim, int components, Generator inner) {
        super(zDim, inner.sampleShape());
        if (zDim < 2 || components < 2 || inner.zDim() != zDim - 1 + components) {
            throw new IllegalArgumentException("components " + components + ", z " + zDim + ", inner " + inner.zDim());
        }
        this.inner = child("inner", inner);
        this.components = components;
    }

    /** The component each row of z picks, in [0, K). */
    public Tensor component(Tensor z) {
        Tensor u = z.narrow(1, 0, 1).squeeze(1).div(new Scalar(Math.sqrt(2))).erf().add(new Scalar(1)).mul(new Scalar(0.5));
        return u.mul(new Scalar(components)).floor()
                .clamp(new ScalarOptional(new Scalar(0)), new ScalarOptional(new Scalar(components - 1)))
                .toType(torch.ScalarType.Long);
    }

    /** Number of components. */
    public int components() {
        return components;
    }

    @Override
    public Tensor forward(Tensor z) {
        return withCode(component(z), z);
    }

    /** Samples of the chosen components y (N, long), z's first coordinate then unused; y null: z picks. */
    @Override
    public Tensor forward(Tensor z, Tensor y) {
        return y == null ? forward(z) : withCode(y, z);
    }

    private Tensor withCode(Tensor component, Tensor z) {
        Tensor code = torch.one_hot(component, components).toType(z.scalar_type());
        return inner.forward(torch.cat(new TensorVector(code, z.narrow(1, 1, zDim() - 1)), 1));
    }
}
