package org.gan4j.nn;


import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;

/**
 * Factories for the layers gan4j models are built from. Layers call libtorch's functional ops
 * on parameters they register themselves, so initialisation is explicit and seeded, and
 * wrappers such as spectral normalisation can reach the weight.
 */
public final class Layers {
    private Layers() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    /** y = x W^T + b. Shape (N, in) -> (N, out). Init: torch.nn.Linear's U(-1/sqrt(in), 1/sqrt(in)). */
    public static Linear linear(long in, long out) {
        return new Linear(in, out, true);
    }

    /** {@link #linear}, with a bias only if {@code bias} (none where batch norm follows: it cancels one). */
    public static Linear linear(long in, long out, boolean bias) {
        return new Linear(in, out, bias);
    }

    /** 2-D convolution, (N, in, H, W) -> (N, out, H', W'), H' = (H + 2p - k) / s + 1. */
    public static Conv2d conv2d(long in, long out, long kernel, long stride, long padding) {
        return new Conv2d(in, out, kernel, stride, padding, false, true);
    }

    /**
     * Transposed 2-D convolution, (N, in, H, W) -> (N, out, H', W'),
     * H' = (H - 1) s - 2p + k + outputPadding.
     */
    public static Conv2d convTranspose2d(long in, long out, long kernel, long stride, long padding,
                                         long outputPadding) {
        return convTranspose2d(in, out, kernel, stride, padding, outputPadding, true);
    }

    /** {@link #convTranspose2d}, with a bias only if {@code bias}. */
    public static Conv2d convTranspose2d(long in, long out, long kernel, long stride, long padding,
                                         long outputPadding, boolean bias) {
        Conv2d c = new Conv2d(in, out, kernel, stride, padding, true, bias);
        c.outputPadding = outputPadding;
        return c;
    }

    /** A libtorch optional tensor: empty for null. */
    static TensorOptional optional(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }

    /** Batch normalisation over (N, C) or (N, C, H, W), momentum 0.1, eps 1e-5 as in torch.nn. */
    public static BatchNorm batchNorm(long features) {
        return new BatchNorm(features);
    }

    /**
     * Dropout as torch.nn.Dropout: in training, each element is zeroed with probability p and
     * the rest scaled by 1 / (1 - p). On the CPU the mask comes from {@link DropoutMask}, drawn
     * in Java with the scale folded in (64x64x14x14: ~0.3 ms with the copy into the tensor,
     * against libtorch's uniforms at 3.7 ms), so one multiply replaces compare, multiply and
     * scale. On a GPU, libtorch's uniforms.
     */
    public static Net dropout(double p) {
        return dropout(p, false);
    }

    /**
     * Dropout overwriting its input: for a layer right after a convolution or linear layer
     * (whose backward needs its input, not its output). A ReLU or LeakyReLU may follow in place:
     * with a mask of zeros and 1 / (1 - p), act(mask x) = mask act(x) and the gradients agree,
     * so dropout before the activation saves an activation-sized allocation per call.
     */
    public static Net dropoutInPlace(double p) {
        return dropout(p, true);
    }

    private static Net dropout(double p, boolean inPlace) {
        return new Functional("Dropout(" + p + (inPlace ? ", inplace)" : ")"), null) {
            @Override
            public Tensor forward(Tensor x) {
                return p == 0 || !is_training() ? x : dropoutTraining(x, p, inPlace);
            }
        };
    }

    /** Dropout's training-mode map. */
    private static Tensor dropoutTraining(Tensor x, double p, boolean inPlace) {
        if (x.is_cpu()) {
            Tensor mask = DropoutMask.draw(x, p);
            if (inPlace) {
                return x.mul_(mask); // computed in float32, stored in x's type
            }
            // keep bf16 activations bf16 (a float32 mask would promote them)
            return x.mul(Tensors.isFloat(x) ? mask : mask.toType(x.scalar_type()));
        }
        // float32 uniforms whatever x's type: bf16 ones would round p to 8 bits
        Tensor u = torch.rand_like(Tensors.isFloat(x) ? x : x.toType(torch.ScalarType.Float));
        Tensor keep = u.ge(new Scalar(p));
        Scalar scale = new Scalar(1 / (1 - p));
        return inPlace ? x.mul_(keep).mul_(scale) : x.mul(keep).mul(scale);
    }

    /**
     * Dropout then LeakyReLU, both overwriting their input (the conditions of
     * {@link #dropoutInPlace} and {@link #leakyReluInPlace}), as two entries of a Sequential so
     * that the names of later layers' parameters stay those of saved checkpoints; the second
     * passes its input through. In training on the CPU in float32 the pair is one product with
     * a mask whose kept entries carry the slope where x &lt;= 0
     * ({@link DropoutMask#drawWithSlope}): forward one pass over x instead of two, backward one
     * product instead of LeakyReLU's backward and a product. Elsewhere: the two layers' ops.
     */
    public static Net[] dropoutLeakyReluInPlace(double p, double slope) {
        Scalar s = new Scalar(slope);
        Net fused = new Functional("Dropout(" + p + ", inplace)+LeakyReLU(" + slope + ", inplace)", null) {
            @Override
            public Tensor forward(Tensor input) {
                // a leaf that requires grad (a graph cut right after the layer before) may not
                // be overwritten: the float32 product then writes a new tensor, the rest a copy
                boolean leaf = input.is_leaf() && input.requires_grad();
                boolean dense = input.is_contiguous() || input.is_contiguous(torch.MemoryFormat.ChannelsLast);
                if (p > 0 && is_training() && input.is_cpu() && dense && Tensors.isFloat(input)) {
                    Tensor mask = DropoutMask.drawWithSlope(input, p, slope);
                    return leaf ? input.mul(mask) : input.mul_(mask);
                }
                Tensor x = leaf ? input.clone() : input;
                if (p == 0 || !is_training()) {
                    return torch.leaky_relu_(x, s);
                }
                if (x.is_cpu() && dense && Tensors.isBFloat16(x)) {
                    // the mask drawn against x in float32, then rounded to bf16 (its scales to
                    // within 0.2%) so that the product and its backward run bf16 by bf16: a
                    // float32 mask took libtorch's unvectorized mixed-type path
                    Tensor mask = DropoutMask.drawWithSlope(x.toType(torch.ScalarType.Float), p, slope);
                    return x.mul_(mask.toType(torch.ScalarType.BFloat16));
                }
                return torch.leaky_relu_(dropoutTraining(x, p, true), s);
            }
        };
        return new Net[] {fused, new Functional("(LeakyReLU above)", x -> x)};
    }

    /** Lookup table (num, dim), init N(0, 1) as torch.nn.Embedding; input is a long tensor. */
    public static Embedding embedding(long num, long dim) {
        return new Embedding(num, dim);
    }

    public static Net leakyRelu(double slope) {
        Scalar s = new Scalar(slope);
        return new Functional("LeakyReLU(" + slope + ")", x -> torch.leaky_relu(x, s));
    }

    /**
     * LeakyReLU overwriting its input, as torch.nn.LeakyReLU(inplace=True): for a layer whose
     * input nothing else reads (it follows a convolution, linear layer or batch norm in a
     * Sequential, whose backward passes need their inputs, not their outputs). Saves an
     * activation-sized allocation per call.
     */
    public static Net leakyReluInPlace(double slope) {
        Scalar s = new Scalar(slope);
        return new Functional("LeakyReLU(" + slope + ", inplace)", x -> torch.leaky_relu_(x, s));
    }

    /** ReLU overwriting its input; the same conditions as {@link #leakyReluInPlace}. */
    public static Net reluInPlace() {
        return new Functional("ReLU(inplace)", x -> torch.relu_(x));
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

    /** Nearest-neighbour upsampling by 2: (N, C, H, W) -> (N, C, 2H, 2W). */
    public static Net upsample2x() {
        return new Functional("Upsample2x", x -> torch.upsample_nearest2d(x, new long[] {2 * x.size(2), 2 * x.size(3)}));
    }

    /** 2x2 average pooling: (N, C, H, W) -> (N, C, H/2, W/2). */
    public static Net avgPool2x() {
        return new Functional("AvgPool2x", x -> torch.avg_pool2d(x, 2));
    }

    /** Sum over the spatial dimensions: (N, C, H, W) -> (N, C). */
    public static Net sumPool() {
        return new Functional("SumPool", x -> x.sum(new long[] {2, 3}, false, null));
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

    /**
     * Turns on spectral normalisation (Miyato et al. 2018, arXiv:1802.05957) of a layer's weight:
     * the layer then uses W / sigma(W), sigma estimated by one power iteration per training
     * forward from a persistent vector {@code u} (a buffer, so checkpoints carry it).
     */
    public static <L extends Net> L spectralNorm(L layer) {
        if (layer instanceof Linear l) {
            l.sn = new SpectralNorm(l, l.weight);
        } else if (layer instanceof Conv2d c) {
            c.sn = new SpectralNorm(c, c.weight);
        } else {
            throw new IllegalArgumentException("spectral norm needs a Linear or Conv2d layer, got " + layer);
        }
        return layer;
    }

    /**
     * Minibatch standard deviation (Karras et al. 2018, arXiv:1710.10196): splits the batch
     * into groups of {@code group} (or one group when the batch does not divide), takes each
     * feature's std over a group, averages it to one number per group and appends it as an
     * extra feature (N, F) -> (N, F + 1) or channel (N, C, H, W) -> (N, C + 1, H, W).
     */
    public static Net minibatchStd(int group) {
        return new Functional("MinibatchStd(" + group + ")", x -> {
            long n = x.size(0);
            long g = n % group == 0 ? group : n;
            long[] grouped = x.sizes().vec().get();
            long[] shape = new long[grouped.length + 1];
            shape[0] = g;
            shape[1] = n / g;
            System.arraycopy(grouped, 1, shape, 2, grouped.length - 1);
            Tensor y = x.reshape(shape);
            y = y.sub(y.mean(new long[] {0}, true, new ScalarTypeOptional()));
            y = y.square().mean(new long[] {0}, false, new ScalarTypeOptional())
                    .add(new Scalar(1e-8)).sqrt();
            Tensor s = y.flatten(1, -1).mean(new long[] {1}, false, new ScalarTypeOptional()); // (n / g)
            long[] tile = grouped.clone();
            tile[0] = g;
            tile[1] = 1;
            long[] view = new long[grouped.length];
            java.util.Arrays.fill(view, 1);
            view[0] = n / g;
            // sample i sits in group i mod (n / g), as the reshape above put it
            Tensor feat = s.view(view).repeat(tile);
            return torch.cat(new org.bytedeco.pytorch.TensorVector(x, feat), 1);
        });
    }

    /** W / sigma(W) with a power-iteration estimate of sigma; see {@link #spectralNorm}. */
    static final class SpectralNorm {
        private final Tensor weight;
        private final Tensor u;
        private final Net owner;

        SpectralNorm(Net owner, Tensor weight) {
            this.owner = owner;
            this.weight = weight;
            Tensor u0 = Init.normal(torch.empty(weight.size(0)), 0, 1);
            this.u = owner.buffer("u", normalize(u0));
        }

        Tensor apply() {
            Tensor w = weight.reshape(weight.size(0), -1);
            Tensor v;
            Tensor uNow;
            try (NoGradGuard ng = new NoGradGuard()) {
                v = normalize(torch.mv(w.t(), u));
                if (owner.is_training()) {
                    uNow = normalize(torch.mv(w, v));
                    u.copy_(uNow);
                } else {
                    uNow = u.clone();
                }
            }
            // a copy of u, not the buffer: the next forward updates the buffer in place while
            // this forward's graph still needs the value it used
            Tensor sigma = torch.dot(uNow, torch.mv(w, v));
            return weight.div(sigma);
        }

        private static Tensor normalize(Tensor t) {
            return t.div(t.norm().clamp_min(new Scalar(1e-12)));
        }
    }

    public static final class Linear extends Net {
        /** How a layer computes its output: libtorch's op, or a faster route to the same map. */
        public interface Kernel {
            /** The layer's output for x (N, in). */
            Tensor forward(Linear layer, Tensor x);

            /** The layer's output for a 4-D x, as {@code forward(x.flatten(1))}. */
            default Tensor forwardFlattened(Linear layer, Tensor x) {
                return forward(layer, x.flatten(1, -1));
            }
        }

        public final Tensor weight;
        public final Tensor bias;
        SpectralNorm sn;
        private Kernel kernel;

        Linear(long in, long out, boolean withBias) {
            double bound = 1.0 / Math.sqrt(in);
            weight = param("weight", Init.uniform(torch.empty(out, in), bound));
            bias = withBias ? param("bias", Init.uniform(torch.empty(out), bound)) : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            return kernel != null ? kernel.forward(this, x) : plain(x);
        }

        /** libtorch's torch.linear, whatever kernel the layer has. */
        public Tensor plain(Tensor x) {
            return counted(torch.linear(x, effectiveWeight(), optional(bias)));
        }

        /** {@code forward(x.flatten(1))} for a 4-D x (a kernel may skip the flatten's copy). */
        public Tensor forwardFlattened(Tensor x) {
            return kernel != null ? kernel.forwardFlattened(this, x) : forward(x.flatten(1, -1));
        }

        /** Routes this layer's forward through {@code k} (null: libtorch's op). */
        public void useKernel(Kernel k) {
            this.kernel = k;
        }

        /** The kernel set by {@link #useKernel}, or null. */
        public Kernel kernel() {
            return kernel;
        }

        /** The weight the forward uses: spectrally normalised where on (one power iteration a call). */
        public Tensor effectiveWeight() {
            return sn == null ? weight : sn.apply();
        }

        public boolean spectralNorm() {
            return sn != null;
        }

        /** {@code y}, this layer's output, counted where a {@link FlopCounter} runs. */
        public Tensor counted(Tensor y) {
            if (FlopCounter.active()) {
                FlopCounter.addMacs(y.numel() * weight.size(1));
            }
            return y;
        }
    }

    /** Convolution or transposed convolution with square kernels; weight init as torch.nn. */
    public static final class Conv2d extends Net {
        /** How a layer computes its output: libtorch's op, or a faster route to the same map. */
        public interface Kernel {
            Tensor forward(Conv2d layer, Tensor x);
        }

        public final Tensor weight;
        public final Tensor bias;
        private final boolean transposed;
        private final long[] stride;
        private final long[] padding;
        private final long[] dilation = {1, 1};
        long outputPadding;
        SpectralNorm sn;
        private Kernel kernel;

        Conv2d(long in, long out, long kernel, long stride, long padding, boolean transposed, boolean withBias) {
            this.transposed = transposed;
            this.stride = new long[] {stride, stride};
            this.padding = new long[] {padding, padding};
            // torch.nn.ConvNd: fan_in counts weight.size(1) * k * k, whatever the direction.
            long[] shape = transposed ? new long[] {in, out, kernel, kernel}
                                      : new long[] {out, in, kernel, kernel};
            double bound = 1.0 / Math.sqrt(shape[1] * kernel * kernel);
            weight = param("weight", Init.uniform(torch.empty(shape), bound));
            bias = withBias ? param("bias", Init.uniform(torch.empty(out), bound)) : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = kernel != null ? kernel.forward(this, x) : plain(x, effectiveWeight());
            if (FlopCounter.active()) {
                // the layer's own multiply-adds, whatever zero channels its path adds: every input
                // pixel meets every weight once (transposed), every output pixel its channel's
                long perChannel = weight.numel() / weight.size(0);
                FlopCounter.addMacs((transposed ? x.numel() : y.numel()) * perChannel);
            }
            return y;
        }

        /**
         * libtorch's conv2d / conv_transpose2d of x with {@code w} (this layer's weight or a
         * view of it), channels padded where libtorch's kernels are wrong ({@link ChannelPadding}).
         */
        public Tensor plain(Tensor x, Tensor w) {
            TensorOptional b = optional(bias);
            if (transposed) {
                return ChannelPadding.convTranspose2d(x, w, b, stride, padding, outputPadding, dilation);
            }
            return ChannelPadding.conv2d(x, w, b, stride, padding, dilation);
        }

        /** Routes this layer's forward through {@code k} (null: libtorch's op). */
        public void useKernel(Kernel k) {
            this.kernel = k;
        }

        /** The kernel set by {@link #useKernel}, or null. */
        public Kernel kernel() {
            return kernel;
        }

        /** The weight the forward uses: spectrally normalised where on (one power iteration a call). */
        public Tensor effectiveWeight() {
            return sn == null ? weight : sn.apply();
        }

        public boolean spectralNorm() {
            return sn != null;
        }

        public boolean transposed() {
            return transposed;
        }

        public long stride() {
            return stride[0];
        }

        public long padding() {
            return padding[0];
        }

        public long outputPadding() {
            return outputPadding;
        }

        /** Output channels (the second weight dimension of a transposed layer). */
        public long outChannels() {
            return transposed ? weight.size(1) : weight.size(0);
        }

        public long inChannels() {
            return transposed ? weight.size(0) : weight.size(1);
        }

        public long kernelSize() {
            return weight.size(2);
        }
    }

    public static final class BatchNorm extends Net {
        public final Tensor weight;
        public final Tensor bias;
        private final Tensor runningMean;
        private final Tensor runningVar;
        private boolean frozen;
        private double momentum = 0.1;

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
                    is_training() && !frozen, momentum, 1e-5, false);
        }
    }

    /**
     * Each (unfrozen) batch norm's running statistics set anew to the plain average of its batch
     * statistics over {@code batches} runs of {@code forward} in training mode, without gradients:
     * for weights that never trained with the statistics they hold, such as an EMA copy of G
     * (standing statistics, Brock et al. 2019, arXiv:1809.11096).
     */
    public static void recomputeBatchNorm(Net net, int batches, Runnable forward) {
        List<BatchNorm> norms = new ArrayList<>();
        collectBatchNorms(net, norms);
        norms.removeIf(b -> b.frozen);
        if (norms.isEmpty()) {
            return;
        }
        boolean training = net.is_training();
        net.train(true);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int k = 1; k <= batches; k++) {
                for (BatchNorm b : norms) {
                    b.momentum = 1.0 / k; // the k-th batch weighs 1/k: a running plain average
                }
                forward.run();
            }
        } finally {
            for (BatchNorm b : norms) {
                b.momentum = 0.1;
            }
            net.train(training);
        }
    }

    private static void collectBatchNorms(Net net, List<BatchNorm> into) {
        if (net instanceof BatchNorm b) {
            into.add(b);
        }
        net.subnets().forEach(n -> collectBatchNorms(n, into));
    }

    /**
     * From now on every batch norm in {@code net} normalises by its running statistics and
     * stops updating them, in training mode too (train.g_bn_freeze); train(true) does not undo it.
     */
    public static void freezeBatchNorm(Net net) {
        if (net instanceof BatchNorm b) {
            b.frozen = true;
        }
        net.subnets().forEach(Layers::freezeBatchNorm);
    }

    /** Undoes {@link #freezeBatchNorm}: batch statistics again (a run rolled back to before its freeze). */
    public static void unfreezeBatchNorm(Net net) {
        if (net instanceof BatchNorm b) {
            b.frozen = false;
        }
        net.subnets().forEach(Layers::unfreezeBatchNorm);
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
