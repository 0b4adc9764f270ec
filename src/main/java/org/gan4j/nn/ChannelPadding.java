package org.gan4j.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Zero channels around libtorch's convolutions where its kernels are wrong for channel counts off
 * oneDNN's block ({@link KernelCheck}): padded with zeros the map is the same, and exact. Seen on
 * AMD's Zen 5 with libtorch 2.10: float32 input gradients of 1->8 and 512->1 layers 67-100% off,
 * forwards of 100->24 and transposed 48->3 layers 15% off; counts on the 16-block (32 for
 * transposed maps and input gradients) right. bf16 CPU layers with output channels off the block
 * (DCGAN's 64->1 image layer: 8% off) are wrong on AVX2-only CPUs too: they are always padded.
 */
public final class ChannelPadding {
    public static final int CHANNEL_BLOCK = 16;
    /** bf16 convolutions to fewer output channels lose accuracy on every device (8% at 64->1). */
    static final int BF16_MIN_OUT_CHANNELS = 16;

    private ChannelPadding() {
    }

    /** Whether CPU convolutions here take zero channels up to the block. */
    public static boolean on() {
        return KernelCheck.channelBlocksBroken();
    }

    /** Zero channels that take {@code n} to a multiple of {@code block}. */
    public static long padTo(long n, long block) {
        return (block - n % block) % block;
    }

    /** Zero output channels up to 16, or past 16 up to a multiple of 32. */
    public static long outputBlockPad(long out) {
        return padTo(out, out <= CHANNEL_BLOCK ? CHANNEL_BLOCK : 2 * CHANNEL_BLOCK);
    }

    /** Zero input channels a layer takes: a 32-block where its input gradient (a transposed map) is wanted. */
    public static long inputPad(long in, boolean inputGradient) {
        return padTo(in, inputGradient ? 2 * CHANNEL_BLOCK : CHANNEL_BLOCK);
    }

    /** {@code t} followed by {@code pad} zero slices along {@code dim}. */
    public static Tensor zeroPadded(Tensor t, int dim, long pad) {
        long[] shape = t.sizes().vec().get();
        shape[dim] = pad;
        return torch.cat(new TensorVector(t, t.new_zeros(shape)), dim);
    }

    /** x with {@code pad} zero channels, in x's own memory layout. */
    public static Tensor paddedInput(Tensor x, long pad) {
        boolean last = x.is_contiguous(torch.MemoryFormat.ChannelsLast) && !x.is_contiguous();
        Tensor p = zeroPadded(x, 1, pad);
        return last ? p.contiguous(torch.MemoryFormat.ChannelsLast) : p;
    }

    /** Output channels to add: on the CPU where {@link #on} or under bf16, on a GPU under bf16 below 16. */
    static long outputPad(Tensor x, long out) {
        boolean bf16 = torch.is_autocast_enabled(x.device().type());
        if (!x.is_cpu()) {
            return bf16 && out < BF16_MIN_OUT_CHANNELS ? BF16_MIN_OUT_CHANNELS - out : 0;
        }
        // bf16 CPU layers off the block were seen wrong on AVX2-only and AVX-512 CPUs alike
        return bf16 || on() ? outputBlockPad(out) : 0;
    }

    /**
     * Whether x is an image (1-4 channels, no input gradient) into a plain layer with a kernel
     * over 1: such forwards are right without zero input channels.
     */
    static boolean imageInput(Tensor x, long in, long k) {
        return !x.requires_grad() && in <= 4 && k > 1;
    }

    /** torch.conv2d (groups 1), with zero input and output channels where needed. */
    public static Tensor conv2d(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding, long[] dilation) {
        long inPad = on() && x.is_cpu() && !imageInput(x, w.size(1), w.size(2)) ? inputPad(w.size(1), x.requires_grad()) : 0;
        if (inPad > 0) {
            x = paddedInput(x, inPad);
            w = zeroPadded(w, 1, inPad);
        }
        return conv2dOutputPadded(x, w, bias, stride, padding, dilation);
    }

    /** torch.conv2d (groups 1), with zero output channels where needed and narrowed back. */
    public static Tensor conv2dOutputPadded(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding,
                                            long[] dilation) {
        return conv2dWithOutputs(x, w, bias, stride, padding, dilation, outputPad(x, w.size(0)));
    }

    /** torch.conv2d (groups 1) computed with {@code pad} zero output channels and narrowed back. */
    public static Tensor conv2dWithOutputs(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding,
                                           long[] dilation, long pad) {
        long out = w.size(0);
        if (pad == 0) {
            return torch.conv2d(x, w, bias, stride, padding, dilation, 1);
        }
        TensorOptional wideBias = bias.has_value() ? new TensorOptional(zeroPadded(bias.get(), 0, pad)) : bias;
        return torch.conv2d(x, zeroPadded(w, 0, pad), wideBias, stride, padding, dilation, 1).narrow(1, 0, out);
    }

    /** torch.conv_transpose2d (groups 1), with zero input and output channels where needed. */
    public static Tensor convTranspose2d(Tensor x, Tensor w, TensorOptional bias, long[] stride, long[] padding,
                                         long outputPadding, long[] dilation) {
        long inPad = on() && x.is_cpu() ? inputPad(w.size(0), x.requires_grad()) : 0;
        if (inPad > 0) {
            x = paddedInput(x, inPad);
            w = zeroPadded(w, 0, inPad);
        }
        long out = w.size(1);
        long pad = outputPad(x, out);
        if (pad == 0) {
            return convTranspose2dInputPadded(x, w, bias, stride, padding, outputPadding, dilation);
        }
        // the bias added after: oneDNN's bf16 deconvolution takes a bias's gradient through a reference kernel
        Tensor y = convTranspose2dInputPadded(x, zeroPadded(w, 1, pad), new TensorOptional(), stride, padding,
                outputPadding, dilation).narrow(1, 0, out);
        return bias.has_value() ? y.add(bias.get().toType(y.scalar_type()).reshape(1, out, 1, 1)) : y;
    }

    /**
     * torch.conv_transpose2d (groups 1), input channels padded to the block where {@link #on}:
     * its forward is the input gradient of a convolution with that many outputs.
     */
    public static Tensor convTranspose2dInputPadded(Tensor x, Tensor w, TensorOptional bias, long[] stride,
                                                    long[] padding, long outputPadding, long[] dilation) {
        return convTranspose2dWithInputs(x, w, bias, stride, padding, outputPadding, dilation,
                on() && x.is_cpu() ? padTo(w.size(0), CHANNEL_BLOCK) : 0);
    }

    /** torch.conv_transpose2d (groups 1) computed with {@code pad} zero input channels. */
    public static Tensor convTranspose2dWithInputs(Tensor x, Tensor w, TensorOptional bias, long[] stride,
                                                   long[] padding, long outputPadding, long[] dilation, long pad) {
        long[] op = {outputPadding, outputPadding};
        if (pad == 0) {
            return torch.conv_transpose2d(x, w, bias, stride, padding, op, 1, dilation);
        }
        return torch.conv_transpose2d(zeroPadded(x, 1, pad), zeroPadded(w, 0, pad), bias, stride, padding, op, 1,
                dilation);
    }
}
