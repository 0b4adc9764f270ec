package org.gan4j.nn;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Decides once per process whether libtorch's CPU convolutions need {@link ChannelPadding}: where
 * the CPU is one they were seen wrong on (AMD family 26, Zen 5), or where a start-up self-test of
 * the layers seen wrong there disagrees with float64. The system property gan4j.conv_padding
 * (auto, on, off) or GAN4J_CONV_PADDING overrides it.
 */
public final class KernelCheck {
    /** Relative error above which a case fails: float32 rounding over these sums (<= 8,192 terms) stays near 1e-4; the failures seen were 15-100%. */
    static final double WRONG = 1e-2;
    private static String reason;
    private static boolean broken;

    private KernelCheck() {
    }

    public static synchronized boolean channelBlocksBroken() {
        if (reason == null) {
            decide();
        }
        return broken;
    }

    /** Why channels are padded or not, for reports such as {@code bench step}. */
    public static synchronized String reason() {
        channelBlocksBroken();
        return reason;
    }

    private static void decide() {
        String forced = System.getProperty("gan4j.conv_padding", System.getenv().getOrDefault("GAN4J_CONV_PADDING", "auto"));
        if (forced.equals("on") || forced.equals("off")) {
            broken = forced.equals("on");
            reason = "gan4j.conv_padding=" + forced;
        } else if (amdFamily() == 26) {
            broken = true;
            reason = "CPU model: AMD family 26 (Zen 5), where libtorch's convolutions were seen wrong";
        } else {
            double err = selfTestError();
            broken = err > WRONG;
            reason = String.format(java.util.Locale.ROOT, "self-test: largest relative error %.1e (%s)", err,
                    broken ? "wrong, channels padded" : "right, no padding");
        }
    }

    /** The CPU family of an AMD processor from /proc/cpuinfo; -1 elsewhere. */
    static int amdFamily() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            if (!info.contains("AuthenticAMD")) {
                return -1;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("cpu family\\s*:\\s*(\\d+)").matcher(info);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The largest relative error, against float64, of the cases seen wrong: the input gradients of
     * 1->8 and 512->1 stride-2 layers, a 100->24 3x3 forward and a 48->3 transposed forward.
     */
    static double selfTestError() {
        // it may first be asked inside a caller's no-grad or autocast region: the test runs outside both
        boolean grad = org.bytedeco.pytorch.GradMode.is_enabled();
        boolean autocast = torch.is_autocast_enabled(torch.DeviceType.CPU);
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            Tensor saved = torch.getDefaultCPUGenerator().get_state();
            org.bytedeco.pytorch.GradMode.set_enabled(true);
            torch.set_autocast_enabled(torch.DeviceType.CPU, false);
            try {
                torch.manual_seed(1234);
                double e = inputGradientError(1, 8, 5, 2, 2, 12);
                e = Math.max(e, inputGradientError(512, 1, 4, 1, 0, 4));
                e = Math.max(e, forwardError(torch.randn(2, 100, 6, 6), torch.randn(24, 100, 3, 3), false));
                e = Math.max(e, forwardError(torch.randn(2, 48, 5, 5), torch.randn(48, 3, 4, 4), true));
                return e;
            } finally {
                torch.getDefaultCPUGenerator().set_state(saved);
                org.bytedeco.pytorch.GradMode.set_enabled(grad);
                torch.set_autocast_enabled(torch.DeviceType.CPU, autocast);
            }
        }
    }

    private static double inputGradientError(long in, long out, long k, long s, long p, long side) {
        Tensor x = torch.randn(2, in, side, side);
        Tensor w = torch.randn(out, in, k, k);
        Tensor x32 = x.clone().requires_grad_(true);
        Tensor y = torch.conv2d(x32, w, new TensorOptional(), new long[] {s, s}, new long[] {p, p}, new long[] {1, 1}, 1);
        y.sum().backward();
        Tensor x64 = x.toType(torch.ScalarType.Double).requires_grad_(true);
        Tensor y64 = torch.conv2d(x64, w.toType(torch.ScalarType.Double), new TensorOptional(), new long[] {s, s},
                new long[] {p, p}, new long[] {1, 1}, 1);
        y64.sum().backward();
        return relative(x32.grad(), x64.grad());
    }

    private static double forwardError(Tensor x, Tensor w, boolean transposed) {
        Tensor x64 = x.toType(torch.ScalarType.Double);
        Tensor w64 = w.toType(torch.ScalarType.Double);
        long[] one = {1, 1};
        long[] zero = {0, 0};
        Tensor y = transposed ? torch.conv_transpose2d(x, w, new TensorOptional(), new long[] {2, 2}, one, zero, 1, one)
                : torch.conv2d(x, w, new TensorOptional(), one, one, one, 1);
        Tensor y64 = transposed ? torch.conv_transpose2d(x64, w64, new TensorOptional(), new long[] {2, 2}, one, zero, 1, one)
                : torch.conv2d(x64, w64, new TensorOptional(), one, one, one, 1);
        return relative(y, y64);
    }

    private static double relative(Tensor got, Tensor want) {
        double scale = want.abs().max().item_double();
        double diff = got.toType(torch.ScalarType.Double).sub(want).abs().max().item_double();
        return Double.isFinite(diff) ? diff / Math.max(scale, 1e-30) : Double.POSITIVE_INFINITY;
    }
}
