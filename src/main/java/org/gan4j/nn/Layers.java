package org.gan4j.nn;


import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * Factories for the layers gan4j models are built from. Layers call libtorch's functional ops
 * on parameters they register themselves, so initialisation is explicit and seeded, and
 * wrappers such as spectral normalisation can reach the weight.
 */
public final class Layers {
    private Layers() {
    }

    /** y = x W^T + b. Shape (N, in) -> (N, out). Init: torch.nn.Linear's U(-1/sqrt(in), 1/sqrt(in)). */
    public static Linear linear(long in, long out) {
        return new Linear(in, out);
    }

    /** 2-D convolution, (N, in, H, W) -> (N, out, H', W'), H' = (H + 2p - k) / s + 1. */
    public static Conv2d conv2d(long in, long out, long kernel, long stride, long padding) {
        return new Conv2d(in, out, kernel, stride, padding, false);
    }

    /**
     * Transposed 2-D convolution, (N, in, H, W) -> (N, out, H', W'),
     * H' = (H - 1) s - 2p + k + outputPadding.
     */
    public static Conv2d convTranspose2d(long in, long out, long kernel, long stride, long padding,
                                         long outputPadding) {
        Conv2d c = new Conv2d(in, out, kernel, stride, padding, true);
        c.outputPadding = outputPadding;
        return c;
    }

    /** Batch normalisation over (N, C) or (N, C, H, W), momentum 0.1, eps 1e-5 as in torch.nn. */
    public static BatchNorm batchNorm(long features) {
        return new BatchNorm(features);
    }

    public static Net dropout(double p) {
        return new Functional("Dropout(" + p + ")", null) {
            @Override
            public Tensor forward(Tensor x) {
                return p == 0 ? x : torch.dropout(x, p, is_training());
            }
        };
    }

    /** Lookup table (num, dim), init N(0, 1) as torch.nn.Embedding; input is a long tensor. */
    public static Embedding embedding(long num, long dim) {
        return new Embedding(num, dim);
    }

    public static Net leakyRelu(double slope) {
        Scalar s = new Scalar(slope);
        return new Functional("LeakyReLU(" + slope + ")", x -> torch.leaky_relu(x, s));
    }

    public static Net relu() {
        return new Functional("ReLU", x -> torch.relu(x));
    }

    public static Net tanh() {
        return new Functional("Tanh", x -> torch.tanh(x));
    }

    public static Net sigmoid() {
        return new Functional("Sigmoid", x -> torch.sigmoid(x));
    }

    /** Reshapes each sample to the given shape: (N, ...) -> (N, shape...). */
    public static Net reshape(long... shape) {
        long[] full = new long[shape.length + 1];
        full[0] = -1;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return new Functional("Reshape", x -> x.reshape(full));
    }

    /** (N, ...) -> (N, prod(...)). */
    public static Net flatten() {
        return new Functional("Flatten", x -> x.flatten(1, -1));
    }

    /** A parameter-free module around a function. */
    static class Functional extends Net {
        private final String name;
        private final UnaryOperator<Tensor> f;

        Functional(String name, UnaryOperator<Tensor> f) {
            this.name = name;
            this.f = f;
        }

        @Override
        public Tensor forward(Tensor x) {
            return f.apply(x);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final class Linear extends Net {
        public final Tensor weight;
        public final Tensor bias;

        Linear(long in, long out) {
            double bound = 1.0 / Math.sqrt(in);
            weight = param("weight", Init.uniform(torch.empty(out, in), bound));
            bias = param("bias", Init.uniform(torch.empty(out), bound));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = torch.linear(x, weight, new TensorOptional(bias));
            if (FlopCounter.active()) {
                FlopCounter.addMacs(y.numel() * weight.size(1));
            }
            return y;
        }
    }

    /** Convolution or transposed convolution with square kernels; weight init as torch.nn. */
    public static final class Conv2d extends Net {
        public final Tensor weight;
        public final Tensor bias;
        private final boolean transposed;
        private final long[] stride;
        private final long[] padding;
        private final long[] dilation = {1, 1};
        long outputPadding;

        Conv2d(long in, long out, long kernel, long stride, long padding, boolean transposed) {
            this.transposed = transposed;
            this.stride = new long[] {stride, stride};
            this.padding = new long[] {padding, padding};
            // torch.nn.ConvNd: fan_in counts weight.size(1) * k * k, whatever the direction.
            long[] shape = transposed ? new long[] {in, out, kernel, kernel}
                                      : new long[] {out, in, kernel, kernel};
            double bound = 1.0 / Math.sqrt(shape[1] * kernel * kernel);
            weight = param("weight", Init.uniform(torch.empty(shape), bound));
            bias = param("bias", Init.uniform(torch.empty(out), bound));
        }

        @Override
        public Tensor forward(Tensor x) {
            TensorOptional b = new TensorOptional(bias);
            if (transposed) {
                if (FlopCounter.active()) {
                    // every input pixel meets every weight once
                    FlopCounter.addMacs(x.numel() * weight.numel() / weight.size(0));
                }
                return torch.conv_transpose2d(x, weight, b, stride, padding,
                        new long[] {outputPadding, outputPadding}, 1, dilation);
            }
            Tensor y = torch.conv2d(x, weight, b, stride, padding, dilation, 1);
            if (FlopCounter.active()) {
                FlopCounter.addMacs(y.numel() * weight.numel() / weight.size(0));
            }
            return y;
        }
    }

    public static final class BatchNorm extends Net {
        public final Tensor weight;
        public final Tensor bias;
        private final Tensor runningMean;
        private final Tensor runningVar;

        BatchNorm(long features) {
            weight = param("weight", torch.ones(features));
            bias = param("bias", torch.zeros(features));
            runningMean = buffer("running_mean", torch.zeros(features));
            runningVar = buffer("running_var", torch.ones(features));
        }

        @Override
        public Tensor forward(Tensor x) {
            return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias),
                    new TensorOptional(runningMean), new TensorOptional(runningVar),
                    is_training(), 0.1, 1e-5, false);
        }
    }

    public static final class Embedding extends Net {
        public final Tensor weight;

        Embedding(long num, long dim) {
            weight = param("weight", Init.normal(torch.empty(num, dim), 0, 1));
        }

        @Override
        public Tensor forward(Tensor labels) {
            return torch.embedding(weight, labels);
        }
    }
}
