package org.gan4j.nn;


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

    private static boolean channelsLast;

    /**
     * Builds modules whose convolution weights are channels-last (NHWC): oneDNN then runs the
     * convolutions, and the activations they produce, in that layout.
     */
    public static <T> T withChannelsLast(boolean on, java.util.function.Supplier<T> build) {
        boolean old = channelsLast;
        channelsLast = on;
        try {
            return build.get();
        } finally {
            channelsLast = old;
        }
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
        public final Tensor weight;
        public final Tensor bias;
        SpectralNorm sn;

        Linear(long in, long out, boolean withBias) {
            double bound = 1.0 / Math.sqrt(in);
            weight = param("weight", Init.uniform(torch.empty(out, in), bound));
            bias = withBias ? param("bias", Init.uniform(torch.empty(out), bound)) : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            DeferredGrads grads = DeferredGrads.current();
            if (grads != null && SplitLinear.applies(this, x)) {
                SplitLinear.Pending p = SplitLinear.forward(this, x);
                grads.add(p::finish);
                return p.output();
            }
            return counted(torch.linear(x, sn == null ? weight : sn.apply(), optional(bias)));
        }

        /** {@code y}, this layer's output, counted where a {@link FlopCounter} runs. */
        Tensor counted(Tensor y) {
            if (FlopCounter.active()) {
                FlopCounter.addMacs(y.numel() * weight.size(1));
            }
            return y;
        }

        /**
         * {@code forward(x.flatten(1))} for a 4-D x, computed without that flatten's copy where x
         * is channels-last in memory: x read in its (H, W, C) order, the weight's columns permuted
         * to match (a copy of the weight, not of the batch), and the gradient reaching x in x's
         * own layout, so the convolution before does not copy it either.
         */
        public Tensor forwardFlattened(Tensor x) {
            if (x.dim() != 4 || x.is_contiguous() || !x.is_contiguous(torch.MemoryFormat.ChannelsLast)) {
                return forward(x.flatten(1, -1));
            }
            long c = x.size(1);
            long h = x.size(2);
            long w = x.size(3);
            Tensor wt = sn == null ? weight : sn.apply();
            long out = wt.size(0);
            Tensor hwc = wt.view(out, c, h, w).permute(0, 2, 3, 1).reshape(out, h * w * c);
            Tensor flat = x.permute(0, 2, 3, 1).reshape(x.size(0), h * w * c);
            if (rowSum(x, out)) {
                Tensor y = flat.mul(hwc).sum(new long[] {1}, true, new ScalarTypeOptional());
                return counted(bias == null ? y : y.add(bias));
            }
            return counted(torch.linear(flat, hwc, optional(bias)));
        }

        /**
         * A critic's single logit from float32 CPU maps as a product and a row sum: OpenBLAS packs
         * the whole batch for a product with one column (D-28's head, forward + backward at batch
         * 64 on one thread: 0.55 -> 0.33 ms, seen here). Under autocast torch.linear keeps bf16.
         */
        static boolean rowSum(Tensor x, long out) {
            return out == 1 && x.is_cpu() && Tensors.isFloat(x) && !torch.is_autocast_enabled(x.device().type());
        }
    }

    /** Convolution or transposed convolution with square kernels; weight init as torch.nn. */
    public static final class Conv2d extends Net {
        private static final int BF16_MIN_OUT_CHANNELS = 16;
        /**
         * libtorch 2.10's float32 CPU convolution (oneDNN's avx512_core kernels on AMD's Zen 5)
         * returns a wrong input gradient for some layers whose output channels are not a multiple
         * of this block: DCGAN-32's 512->1 output layer 100% off, 1->8 67%, 1->17, 1->25 wrong too,
         * at any batch size; 16, 32, 48, 64 right (checked against float64). Such layers run with
         * zero output channels up to the next multiple.
         */
        static final int CHANNEL_BLOCK = 16;

        /** Zero channels that take {@code n} to a multiple of {@link #CHANNEL_BLOCK}. */
        static long blockPad(long n) {
            return padTo(n, CHANNEL_BLOCK);
        }

        /** Zero channels that take {@code n} to a multiple of {@code block}. */
        private static long padTo(long n, long block) {
            return (block - n % block) % block;
        }

        /**
         * {@code w} with NHWC strides even where a dimension of 1 makes
         * {@code contiguous(ChannelsLast)} a no-op (one input channel): libtorch reads the layout
         * from the strides and would run such a layer, and the layer after it, in NCHW.
         */
        static Tensor channelsLastStrides(Tensor w) {
            long[] n = w.sizes().vec().get();
            return w.new_empty_strided(n, new long[] {n[1] * n[2] * n[3], 1, n[3] * n[1], n[1]}).copy_(w);
        }

        /** {@code t} followed by {@code pad} zero slices along {@code dim}. */
        private static Tensor zeroPadded(Tensor t, int dim, long pad) {
            long[] shape = t.sizes().vec().get();
            shape[dim] = pad;
            return torch.cat(new TensorVector(t, t.new_zeros(shape)), dim);
        }
        public final Tensor weight;
        public final Tensor bias;
        private final boolean transposed;
        /** Weight (so oneDNN's output) in NHWC: built under {@link #withChannelsLast}. */
        private final boolean layoutLast;
        /** Under {@link #withChannelsLast} with an NCHW weight: the output copied to NHWC. */
        private final boolean outputToNhwc;
        private final long[] stride;
        private final long[] padding;
        private final long[] dilation = {1, 1};
        long outputPadding;
        SpectralNorm sn;

        Conv2d(long in, long out, long kernel, long stride, long padding, boolean transposed, boolean withBias) {
            this.transposed = transposed;
            this.stride = new long[] {stride, stride};
            this.padding = new long[] {padding, padding};
            // torch.nn.ConvNd: fan_in counts weight.size(1) * k * k, whatever the direction.
            long[] shape = transposed ? new long[] {in, out, kernel, kernel}
                                      : new long[] {out, in, kernel, kernel};
            double bound = 1.0 / Math.sqrt(shape[1] * kernel * kernel);
            Tensor w = Init.uniform(torch.empty(shape), bound);
            // oneDNN 3.x (libtorch 2.10) runs a stride-1 transposed convolution in NHWC through an
            // AVX2 kernel, 1.9x slower than its blocked NCHW one (DCGAN-28's 256->128 layer on
            // Zen 5: 24.8 vs 12.9 ms forward, seen here): such a layer stays NCHW
            layoutLast = channelsLast && !(transposed && stride == 1);
            outputToNhwc = channelsLast && !layoutLast;
            weight = param("weight", layoutLast ? channelsLastStrides(w) : w);
            bias = withBias ? param("bias", Init.uniform(torch.empty(out), bound)) : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = forwardUncounted(x);
            if (outputToNhwc) {
                // one copy, so that the layers after it (batch norm, LeakyReLU, the next
                // convolution) see one layout: LeakyReLU's backward over an NHWC gradient and an
                // NCHW output took a strided loop (DCGAN-28: A/B 0.990x, reversed 1.012x; bf16 0.983x)
                y = y.contiguous(torch.MemoryFormat.ChannelsLast);
            }
            if (FlopCounter.active()) {
                // the layer's own multiply-adds, whatever zero channels its path adds: every input
                // pixel meets every weight once (transposed), every output pixel its channel's
                long perChannel = weight.numel() / weight.size(0);
                FlopCounter.addMacs((transposed ? x.numel() : y.numel()) * perChannel);
            }
            return y;
        }

        private Tensor forwardUncounted(Tensor x) {
            torch.DeviceType type = x.device().type();
            long outChannels = transposed ? weight.size(1) : weight.size(0);
            Tensor weight = sn == null ? this.weight : sn.apply();
            // an input gradient is a transposed convolution into the input channels: their block is 32 then
            long inChannels = weight.size(transposed ? 0 : 1);
            long inPad = padTo(inChannels, x.requires_grad() ? 2 * CHANNEL_BLOCK : CHANNEL_BLOCK);
            // an image's few channels into a plain layer, no input gradient: right as it is
            boolean imageInput = !x.requires_grad() && !transposed && inChannels <= 4 && weight.size(2) > 1;
            if (inPad > 0 && x.is_cpu() && !imageInput && !useSpaceToDepth(x, weight)) {
                // libtorch 2.10's CPU convolutions with input channels off oneDNN's block go wrong
                // on Zen 5, in float32 and bf16: forwards NaN or 15-30% off (100->48 3x3, 40->17,
                // DCGAN-32's first 100->512 layer in bf16), transposed ones 1.5-15%, input
                // gradients 2-40% off (1, 3, 8, 17, 24, 40, 48 channels), a 1x1 kernel over one
                // channel garbage (1e30), and now and then a corrupted heap; forwards of plain
                // layers with 1-4 input channels and larger kernels right, in both precisions and
                // layouts (seen here). Zero input channels up to the block make them exact.
                boolean last = x.is_contiguous(torch.MemoryFormat.ChannelsLast) && !x.is_contiguous();
                x = zeroPadded(x, 1, inPad);
                x = last ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x;
                weight = zeroPadded(weight, transposed ? 0 : 1, inPad);
            }
            long pad = outputPad(x, outChannels);
            if (pad > 0) {
                // zero output channels up to the block (see outputPad): exact, and in bf16 still
                // 3x faster than float32 for DCGAN-28's 64->1 layer
                if (transposed) {
                    // the bias added after: oneDNN's bf16 deconvolution takes its gradient through
                    // a reference kernel (DCGAN-28's image layer: ~1.4 ms a step, seen here)
                    Tensor y = compute(x, zeroPadded(weight, 1, pad), null).narrow(1, 0, outChannels);
                    return bias == null ? y : y.add(bias.toType(y.scalar_type()).reshape(1, outChannels, 1, 1));
                }
                Tensor wideBias = bias == null ? null : zeroPadded(bias, 0, pad);
                return compute(x, zeroPadded(weight, 0, pad), wideBias).narrow(1, 0, outChannels);
            }
            return compute(x, weight, bias);
        }

        /**
         * Zero output channels a layer needs for a right result on the CPU: libtorch 2.10's bf16
         * convolutions with few output channels are off by 8-18% (DCGAN's 64->1 output layer: 8%
         * mean error; 16 channels and up: 0.3%, bf16's own rounding), so is any count off the
         * 16-block (bf16 NCHW 64->24: 8%, 64->100: 1.4%, 32->17: 2%; NHWC 1->100: 3.7%; float32
         * 100->24, 100->3: 15-16%), transposed ones off a 32-block (bf16 64->48: 2.4%,
         * 64->80: 1.5%, NHWC 16->24: 11%; float32 48->3: 15%), float32 NHWC 1x1 ones too (48->80:
         * 15%, 64->112: 10%; 48, 96, 128 right) (seen here on Zen 5). A float32
         * transposed layer to at most {@link #FOLD_MAX_OUT_CHANNELS} channels needs none: it runs
         * as a 1x1 convolution and col2im ({@link #foldTransposed}).
         */
        private long outputPad(Tensor x, long outChannels) {
            if (!x.is_cpu()) {
                return outChannels < BF16_MIN_OUT_CHANNELS && torch.is_autocast_enabled(x.device().type())
                        ? BF16_MIN_OUT_CHANNELS - outChannels : 0;
            }
            boolean bf16 = torch.is_autocast_enabled(x.device().type());
            if (transposed && !bf16 && outChannels <= FOLD_MAX_OUT_CHANNELS) {
                return 0;
            }
            return outputBlockPad(outChannels);
        }

        /** Zero output channels up to 16, or past 16 up to a multiple of 32 (see {@link #outputPad}). */
        static long outputBlockPad(long out) {
            return padTo(out, out <= CHANNEL_BLOCK ? CHANNEL_BLOCK : 2 * CHANNEL_BLOCK);
        }

        /**
         * A stride-2 convolution of an image with few channels whose input gradient is wanted
         * (D's first layer in the generator's step, or under R1/WGAN-GP): oneDNN computes that
         * gradient at ~10 GFLOP/s for one input channel; the same map as a stride-1 convolution
         * over 2x2 blocks of pixels folded into channels takes half the time (DCGAN-28's 1->64
         * layer, forward + input gradient, batch 64: 4.0 -> 2.0 ms; seen here). Its weight
         * gradient is slower, so the usual path stays where only weights need gradients. Under
         * bf16 autocast, in NHWC, it also keeps that gradient right: libtorch's own is off by
         * 8-13% for one input channel, 0.3% this way (1.6 -> 0.85 ms forward + input gradient,
         * batch 32); in NCHW the regrouped bf16 layer's is off by 32%, so there the layer takes
         * zero input channels instead (see {@link #forward}).
         */
        private boolean useSpaceToDepth(Tensor x, Tensor weight) {
            return stride[0] == 2 && stride[1] == 2 && padding[0] == padding[1] && weight.size(1) <= IMAGE_MAX_CHANNELS
                    && weight.size(2) == weight.size(3) && x.requires_grad() && x.is_cpu()
                    && (layoutLast || !torch.is_autocast_enabled(x.device().type()));
        }

        /**
         * conv2d(x, w, stride 2, padding p) as pixel_unshuffle(pad(x), 2) convolved (stride 1,
         * no padding) with w's taps regrouped: tap (2t + a, 2s + b) of input channel c becomes
         * tap (t, s) of channel 4c + 2a + b; taps past the kernel's odd edge are zero.
         * {@code layoutLast}: the regrouped weights, so the output, in NHWC.
         */
        static Tensor spaceToDepthConv(Tensor x, Tensor w, Tensor bias, long p, boolean layoutLast) {
            long k = w.size(2);
            long t = (k + 1) / 2;
            long h = x.size(2) + 2 * p;
            long wd = x.size(3) + 2 * p;
            // pixel_unshuffle needs even sides; an extra zero row/column reaches no output
            Tensor xp = torch.constant_pad_nd(x, new long[] {p, p + (wd & 1), p, p + (h & 1)}, new Scalar(0));
            Tensor folded = torch.pixel_unshuffle(xp, 2);
            long o = w.size(0);
            long c = w.size(1);
            Tensor wp = 2 * t == k ? w : torch.constant_pad_nd(w, new long[] {0, 1, 0, 1}, new Scalar(0));
            Tensor w2 = wp.reshape(o, c, t, 2, t, 2).permute(0, 1, 3, 5, 2, 4).reshape(o, c * 4, t, t);
            if (layoutLast) {
                w2 = channelsLastStrides(w2); // libtorch then runs the convolution in NHWC
            }
            Tensor y = conv2d(folded, w2, optional(bias), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1});
            long oh = (h - k) / 2 + 1;
            long ow = (wd - k) / 2 + 1;
            // an even kernel over an odd padded side gains one row or column: drop it
            return y.size(2) == oh && y.size(3) == ow ? y : y.narrow(2, 0, oh).narrow(3, 0, ow);
        }

        /**
         * torch.conv2d (groups 1), but on the CPU where the output channels are off the block
         * ({@link #outputBlockPad}), computed with zero output channels up to it and narrowed
         * back: exact, and the output and input gradient right where libtorch's own are not.
         */
        static Tensor conv2d(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding, long[] dilation) {
            long out = w.size(0);
            long pad = outputBlockPad(out);
            if (pad == 0 || !x.is_cpu()) {
                return torch.conv2d(x, w, bias, stride, padding, dilation, 1);
            }
            TensorOptional wideBias = bias.has_value() ? new TensorOptional(zeroPadded(bias.get(), 0, pad)) : bias;
            return torch.conv2d(x, zeroPadded(w, 0, pad), wideBias, stride, padding, dilation, 1).narrow(1, 0, out);
        }

        /**
         * torch.conv_transpose2d (groups 1); on the CPU, input channels not a multiple of
         * {@link #CHANNEL_BLOCK} get zero ones up to one: its forward is the input gradient of a
         * convolution with that many outputs, wrong in libtorch 2.10 on Zen 5 as above.
         */
        static Tensor convTranspose2d(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding,
                                      long outputPadding, long[] dilation) {
            long pad = blockPad(w.size(0));
            long[] op = {outputPadding, outputPadding};
            if (pad == 0 || !x.is_cpu()) {
                return torch.conv_transpose2d(x, w, bias, stride, padding, op, 1, dilation);
            }
            return torch.conv_transpose2d(zeroPadded(x, 1, pad), zeroPadded(w, 0, pad), bias, stride, padding, op, 1,
                    dilation);
        }

        /**
         * Whether {@link #inputGradient} serves this layer on {@code x}: a plain convolution
         * (no spectral norm) of a float32 CPU input with 1-4 channels (an image), outside autocast.
         */
        public boolean inputGradientByProduct(Tensor x) {
            return !transposed && sn == null && weight.size(1) <= IMAGE_MAX_CHANNELS && x.dim() == 4 && x.is_cpu()
                    && Tensors.isFloat(x) && !torch.is_autocast_enabled(x.device().type());
        }

        /**
         * The gradient at this layer's input of height x width for {@code gy} at its output,
         * outside autograd (so not itself differentiable), as one product of the output gradient
         * with the weight and col2im, which sums the taps' columns into place. For D's first layer
         * in the G step ({@link #inputGradientByProduct}): libtorch's input gradient into 1-4
         * channels runs oneDNN kernels at ~17 GFLOP/s (through space-to-depth; ~10 without), and
         * oneDNN, making that primitive on two threads at once, has picked a kernel that crashed
         * (see {@link TeamFork}). DCGAN-28's 1->64 layer, batch 32, one thread: forward + input
         * gradient 1.55-1.61 -> 0.92-0.94 ms (seen here).
         */
        public Tensor inputGradient(Tensor gy, long height, long width) {
            long n = gy.size(0);
            long out = weight.size(0);
            long taps = weight.size(1) * weight.size(2) * weight.size(3);
            long oh = gy.size(2);
            long ow = gy.size(3);
            // rows of output pixels (free for an NHWC gradient) times the weight: one row of
            // taps per pixel, in col2im's order (channel, then kernel row, then column)
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor rows = gy.permute(0, 2, 3, 1).reshape(n * oh * ow, out);
                Tensor cols = rows.mm(weight.reshape(out, taps));
                return torch.col2im(cols.view(n, oh * ow, taps).transpose(1, 2), new long[] {height, width},
                        new long[] {weight.size(2), weight.size(3)}, dilation, padding, stride);
            }
        }

        /** Input channels up to which a layer reads an image (space-to-depth, {@link #inputGradient}). */
        private static final long IMAGE_MAX_CHANNELS = 4;

        /** Output channels up to which a CPU transposed convolution goes through col2im. */
        private static final long FOLD_MAX_OUT_CHANNELS = 4;

        /**
         * A transposed convolution to few channels (a generator's image layer) as a 1x1
         * convolution to one channel per output channel and tap, whose columns col2im sums into
         * place: oneDNN runs such a layer through reference kernels (DCGAN-28's 64->1 layer,
         * forward + backward, batch 64: 5.9 -> 3.1 ms; seen here). Weight layout unchanged.
         */
        static Tensor foldTransposed(Tensor x, Tensor w, Tensor bias, long stride, long padding, long outputPadding) {
            long in = w.size(0);
            long out = w.size(1);
            long k = w.size(2);
            long h = x.size(2);
            long wd = x.size(3);
            long[] size = {(h - 1) * stride - 2 * padding + k + outputPadding,
                           (wd - 1) * stride - 2 * padding + k + outputPadding};
            Tensor taps = w.reshape(in, out * k * k).t().reshape(out * k * k, in, 1, 1);
            Tensor cols = conv2d(x, taps, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1});
            Tensor y = torch.col2im(cols.reshape(x.size(0), out * k * k, h * wd), size, new long[] {k, k},
                    new long[] {1, 1}, new long[] {padding, padding}, new long[] {stride, stride});
            return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
        }

        private Tensor compute(Tensor x, Tensor weight, Tensor bias) {
            TensorOptional b = optional(bias);
            boolean square = padding[0] == padding[1] && stride[0] == stride[1];
            if (weight == this.weight && square && ConvWeightGrad.applies(x, weight, weight.size(1), weight.size(0))) {
                return deferringWeightGrad(x.to(torch.ScalarType.BFloat16), b);
            }
            if (transposed) {
                if (stride[0] == 1 && outputPadding == 0 && torch.is_autocast_enabled(x.device().type())) {
                    // the same map as a plain convolution with the kernel flipped and in/out swapped:
                    // oneDNN's bf16 path runs that ~1.75x faster than its stride-1 deconvolution
                    // (DCGAN-28's 256->128 layer: 21 -> 12 ms per batch of 64, seen here)
                    return conv2d(x, flipped(weight), b, stride, flippedPadding(), dilation);
                }
                if (weight.size(1) <= FOLD_MAX_OUT_CHANNELS && x.is_cpu() && !torch.is_autocast_enabled(x.device().type())) {
                    return foldTransposed(x, weight, bias, stride[0], padding[0], outputPadding);
                }
                return convTranspose2d(x, weight, b, stride, padding, outputPadding, dilation);
            }
            return useSpaceToDepth(x, weight)
                    ? spaceToDepthConv(x, weight, bias, padding[0], layoutLast)
                    : conv2d(x, weight, b, stride, padding, dilation);
        }

        /** A stride-1 transposed convolution's weight as the plain convolution's kernel. */
        private static Tensor flipped(Tensor weight) {
            return weight.transpose(0, 1).flip(new long[] {2, 3});
        }

        private long[] flippedPadding() {
            long k = weight.size(2);
            return new long[] {k - 1 - padding[0], k - 1 - padding[1]};
        }

        /**
         * {@link #compute} under bf16 autocast with the weight detached, its gradient left to the
         * open {@link DeferredGrads} ({@link ConvWeightGrad}); xb: the input in bf16.
         */
        private Tensor deferringWeightGrad(Tensor xb, TensorOptional b) {
            Tensor w = weight.detach();
            Tensor y;
            ConvWeightGrad.Kind kind;
            long p = padding[0];
            if (!transposed) {
                kind = ConvWeightGrad.Kind.CONV;
                y = torch.conv2d(xb, w, b, stride, padding, dilation, 1);
            } else if (stride[0] == 1 && outputPadding == 0) {
                kind = ConvWeightGrad.Kind.FLIPPED;
                p = flippedPadding()[0];
                y = torch.conv2d(xb, flipped(w), b, stride, flippedPadding(), dilation, 1);
            } else {
                kind = ConvWeightGrad.Kind.TRANSPOSED;
                y = torch.conv_transpose2d(xb, w, b, stride, padding, new long[] {outputPadding, outputPadding}, 1,
                        dilation);
            }
            ConvWeightGrad.defer(kind, weight, xb, y, stride[0], p);
            return y;
        }
    }

    public static final class BatchNorm extends Net {
        public final Tensor weight;
        public final Tensor bias;
        private final Tensor runningMean;
        private final Tensor runningVar;
        private boolean frozen;

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
                    is_training() && !frozen, 0.1, 1e-5, false);
        }
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
