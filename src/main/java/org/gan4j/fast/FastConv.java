package org.gan4j.fast;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.gan4j.nn.ChannelPadding;
import org.gan4j.nn.Layers;

/**
 * A convolution layer's faster routes to libtorch's map on the CPU: NHWC weights (oneDNN then
 * keeps activations NHWC and skips its reorders), space-to-depth for an image's input gradient,
 * col2im for transposed layers to few channels, a flipped plain convolution for bf16 stride-1
 * transposed layers, and bf16 weight gradients as forward convolutions ({@link ConvWeightGrad}).
 * Each route is the same map; the tests under org.gan4j.fast compare them with libtorch's own.
 */
public final class FastConv implements Layers.Conv2d.Kernel {
    /** Input channels up to which a layer reads an image (space-to-depth, {@link #inputGradient}). */
    static final long IMAGE_MAX_CHANNELS = 4;
    /** Output channels up to which a CPU transposed convolution goes through col2im. */
    static final long FOLD_MAX_OUT_CHANNELS = 4;

    private final Layers.Conv2d layer;
    /** Weight (so oneDNN's output) in NHWC. */
    private final boolean layoutLast;
    /** Channels-last asked for with an NCHW weight: the output copied to NHWC. */
    private final boolean outputToNhwc;
    private final DeferredGrads grads;

    DeferredGrads grads() {
        return grads;
    }

    /**
     * Routes {@code layer} through the fast paths; {@code channelsLast} lays its weight out NHWC
     * in place (as torch's {@code module.to(memory_format=channels_last)}). {@code grads}: where
     * bf16 weight gradients may be deferred (null: never).
     */
    public FastConv(Layers.Conv2d layer, boolean channelsLast, DeferredGrads grads) {
        this.layer = layer;
        this.grads = grads;
        // oneDNN 3.x runs a stride-1 transposed convolution in NHWC through an AVX2 kernel, 1.9x
        // slower than its blocked NCHW one (DCGAN-28's 256->128 layer on Zen 5): it stays NCHW
        this.layoutLast = channelsLast && !(layer.transposed() && layer.stride() == 1);
        this.outputToNhwc = channelsLast && !layoutLast;
        if (layoutLast) {
            try (NoGradGuard ng = new NoGradGuard()) {
                layer.weight.__dispatch_set_data(channelsLastStrides(layer.weight));
            }
        }
    }

    @Override
    public Tensor forward(Layers.Conv2d l, Tensor x) {
        Tensor y = forwardUncounted(x);
        if (outputToNhwc) {
            // one copy, so that the layers after it see one layout: LeakyReLU's backward over an
            // NHWC gradient and an NCHW output takes a strided loop
            y = y.contiguous(torch.MemoryFormat.ChannelsLast);
        }
        return y;
    }

    /**
     * {@code w} with NHWC strides even where a dimension of 1 makes
     * {@code contiguous(ChannelsLast)} a no-op (one input channel): libtorch reads the layout
     * from the strides and would run such a layer, and the layer after it, in NCHW.
     */
    public static Tensor channelsLastStrides(Tensor w) {
        long[] n = w.sizes().vec().get();
        return w.new_empty_strided(n, new long[] {n[1] * n[2] * n[3], 1, n[3] * n[1], n[1]}).copy_(w);
    }

    private Tensor forwardUncounted(Tensor x) {
        boolean transposed = layer.transposed();
        long outChannels = layer.outChannels();
        Tensor weight = layer.effectiveWeight();
        boolean own = !layer.spectralNorm();
        long inChannels = layer.inChannels();
        long inPad = ChannelPadding.on() ? ChannelPadding.inputPad(inChannels, x.requires_grad()) : 0;
        // an image's few channels into a plain layer, no input gradient: right as it is
        boolean imageInput = !x.requires_grad() && !transposed && inChannels <= 4 && weight.size(2) > 1;
        if (inPad > 0 && x.is_cpu() && !imageInput && !useSpaceToDepth(x, weight)) {
            x = ChannelPadding.paddedInput(x, inPad);
            weight = ChannelPadding.zeroPadded(weight, transposed ? 0 : 1, inPad);
            own = false;
        }
        long pad = outputPad(x, outChannels);
        if (pad > 0) {
            if (transposed) {
                // the bias added after: oneDNN's bf16 deconvolution takes its gradient through a reference kernel
                Tensor y = compute(x, ChannelPadding.zeroPadded(weight, 1, pad), null, false).narrow(1, 0, outChannels);
                return layer.bias == null ? y
                        : y.add(layer.bias.toType(y.scalar_type()).reshape(1, outChannels, 1, 1));
            }
            Tensor wideBias = layer.bias == null ? null : ChannelPadding.zeroPadded(layer.bias, 0, pad);
            return compute(x, ChannelPadding.zeroPadded(weight, 0, pad), wideBias, false).narrow(1, 0, outChannels);
        }
        return compute(x, weight, layer.bias, own);
    }

    /**
     * Zero output channels: {@link ChannelPadding}'s, except for a float32 CPU transposed layer to
     * at most {@link #FOLD_MAX_OUT_CHANNELS} channels, which runs through col2im ({@link #foldTransposed}).
     */
    private long outputPad(Tensor x, long outChannels) {
        boolean bf16 = torch.is_autocast_enabled(x.device().type());
        if (!x.is_cpu()) {
            return outChannels < 16 && bf16 ? 16 - outChannels : 0;
        }
        if (layer.transposed() && !bf16 && outChannels <= FOLD_MAX_OUT_CHANNELS) {
            return 0;
        }
        return bf16 || ChannelPadding.on() ? ChannelPadding.outputBlockPad(outChannels) : 0;
    }

    /**
     * A stride-2 convolution of an image with few channels whose input gradient is wanted
     * (D's first layer in the generator's step, or under R1/WGAN-GP): oneDNN computes that
     * gradient at ~10 GFLOP/s for one input channel; the same map as a stride-1 convolution
     * over 2x2 blocks of pixels folded into channels takes half the time (DCGAN-28's 1->64
     * layer, forward + input gradient, batch 64: 4.0 -> 2.0 ms). Its weight gradient is slower,
     * so the usual path stays where only weights need gradients. Under bf16 in NCHW the regrouped
     * layer's gradient is off by 32%, so there it does not apply.
     */
    private boolean useSpaceToDepth(Tensor x, Tensor weight) {
        return !layer.transposed() && layer.stride() == 2 && weight.size(1) <= IMAGE_MAX_CHANNELS
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
        Tensor y = ChannelPadding.conv2dOutputPadded(folded, w2, optional(bias), new long[] {1, 1}, new long[] {0, 0},
                new long[] {1, 1});
        long oh = (h - k) / 2 + 1;
        long ow = (wd - k) / 2 + 1;
        // an even kernel over an odd padded side gains one row or column: drop it
        return y.size(2) == oh && y.size(3) == ow ? y : y.narrow(2, 0, oh).narrow(3, 0, ow);
    }

    /**
     * Whether {@link #inputGradient} serves {@code layer} on {@code x}: a plain convolution
     * (no spectral norm) of a float32 CPU input with 1-4 channels (an image), outside autocast.
     */
    public static boolean inputGradientByProduct(Layers.Conv2d layer, Tensor x) {
        return !layer.transposed() && !layer.spectralNorm() && layer.weight.size(1) <= IMAGE_MAX_CHANNELS
                && x.dim() == 4 && x.is_cpu() && org.gan4j.nn.Tensors.isFloat(x)
                && !torch.is_autocast_enabled(x.device().type());
    }

    /**
     * The gradient at {@code layer}'s input of height x width for {@code gy} at its output,
     * outside autograd (so not itself differentiable), as one product of the output gradient
     * with the weight and col2im, which sums the taps' columns into place. For D's first layer
     * in the G step: libtorch's input gradient into 1-4 channels runs oneDNN kernels at ~17
     * GFLOP/s, and oneDNN, making that primitive on two threads at once, has picked a kernel
     * that crashed (see {@link TeamFork}). DCGAN-28's 1->64 layer, batch 32, one thread: forward
     * + input gradient 1.55-1.61 -> 0.92-0.94 ms.
     */
    public static Tensor inputGradient(Layers.Conv2d layer, Tensor gy, long height, long width) {
        Tensor weight = layer.weight;
        long n = gy.size(0);
        long out = weight.size(0);
        long taps = weight.size(1) * weight.size(2) * weight.size(3);
        long oh = gy.size(2);
        long ow = gy.size(3);
        long s = layer.stride();
        long p = layer.padding();
        // rows of output pixels (free for an NHWC gradient) times the weight: one row of
        // taps per pixel, in col2im's order (channel, then kernel row, then column)
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor rows = gy.permute(0, 2, 3, 1).reshape(n * oh * ow, out);
            Tensor cols = rows.mm(weight.reshape(out, taps));
            return torch.col2im(cols.view(n, oh * ow, taps).transpose(1, 2), new long[] {height, width},
                    new long[] {weight.size(2), weight.size(3)}, new long[] {1, 1}, new long[] {p, p},
                    new long[] {s, s});
        }
    }

    /**
     * A transposed convolution to few channels (a generator's image layer) as a 1x1
     * convolution to one channel per output channel and tap, whose columns col2im sums into
     * place: oneDNN runs such a layer through reference kernels (DCGAN-28's 64->1 layer,
     * forward + backward, batch 64: 5.9 -> 3.1 ms). Weight layout unchanged.
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
        Tensor cols = ChannelPadding.conv2dOutputPadded(x, taps, new TensorOptional(), new long[] {1, 1},
                new long[] {0, 0}, new long[] {1, 1});
        Tensor y = torch.col2im(cols.reshape(x.size(0), out * k * k, h * wd), size, new long[] {k, k},
                new long[] {1, 1}, new long[] {padding, padding}, new long[] {stride, stride});
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    private Tensor compute(Tensor x, Tensor weight, Tensor bias, boolean own) {
        TensorOptional b = optional(bias);
        long[] stride = {layer.stride(), layer.stride()};
        long[] padding = {layer.padding(), layer.padding()};
        long[] dilation = {1, 1};
        long op = layer.outputPadding();
        if (own && ConvWeightGrad.applies(grads, x, weight, weight.size(1), weight.size(0))) {
            return deferringWeightGrad(x.to(torch.ScalarType.BFloat16), b);
        }
        if (layer.transposed()) {
            if (layer.stride() == 1 && op == 0 && torch.is_autocast_enabled(x.device().type())) {
                // the same map as a plain convolution with the kernel flipped and in/out swapped:
                // oneDNN's bf16 path runs that ~1.75x faster than its stride-1 deconvolution
                return ChannelPadding.conv2dOutputPadded(x, flipped(weight), b, stride, flippedPadding(), dilation);
            }
            if (weight.size(1) <= FOLD_MAX_OUT_CHANNELS && x.is_cpu() && !torch.is_autocast_enabled(x.device().type())) {
                return foldTransposed(x, weight, bias, layer.stride(), layer.padding(), op);
            }
            return ChannelPadding.convTranspose2dInputPadded(x, weight, b, stride, padding, op, dilation);
        }
        return useSpaceToDepth(x, weight)
                ? spaceToDepthConv(x, weight, bias, layer.padding(), layoutLast)
                : ChannelPadding.conv2dOutputPadded(x, weight, b, stride, padding, dilation);
    }

    /** A stride-1 transposed convolution's weight as the plain convolution's kernel. */
    private static Tensor flipped(Tensor weight) {
        return weight.transpose(0, 1).flip(new long[] {2, 3});
    }

    private long[] flippedPadding() {
        long k = layer.kernelSize();
        return new long[] {k - 1 - layer.padding(), k - 1 - layer.padding()};
    }

    /**
     * {@link #compute} under bf16 autocast with the weight detached, its gradient left to the
     * open {@link DeferredGrads} ({@link ConvWeightGrad}); xb: the input in bf16.
     */
    private Tensor deferringWeightGrad(Tensor xb, TensorOptional b) {
        Tensor w = layer.weight.detach();
        Tensor y;
        ConvWeightGrad.Kind kind;
        long p = layer.padding();
        long[] stride = {layer.stride(), layer.stride()};
        long[] padding = {p, p};
        long[] dilation = {1, 1};
        long op = layer.outputPadding();
        if (!layer.transposed()) {
            kind = ConvWeightGrad.Kind.CONV;
            y = torch.conv2d(xb, w, b, stride, padding, dilation, 1);
        } else if (layer.stride() == 1 && op == 0) {
            kind = ConvWeightGrad.Kind.FLIPPED;
            p = flippedPadding()[0];
            y = torch.conv2d(xb, flipped(w), b, stride, flippedPadding(), dilation, 1);
        } else {
            kind = ConvWeightGrad.Kind.TRANSPOSED;
            y = torch.conv_transpose2d(xb, w, b, stride, padding, new long[] {op, op}, 1, dilation);
        }
        ConvWeightGrad.defer(grads, kind, layer.weight, xb, y, layer.stride(), p);
        return y;
    }

    private static TensorOptional optional(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }
}
