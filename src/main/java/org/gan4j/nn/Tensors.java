package org.gan4j.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Copies between Java arrays and CPU float tensors. */
public final class Tensors {
    private Tensors() {
    }

    static {
        Natives.load(); // before this class's first libtorch call: see Natives
    }

    /** A new float tensor of {@code shape} holding {@code values} (row-major). */
    public static Tensor fromFloats(float[] values, long... shape) {
        Tensor t = torch.empty(shape);
        t.data_ptr_float().put(values);
        return t;
    }

    /** A new long tensor holding {@code values}. */
    public static Tensor fromInts(int[] values) {
        Tensor t = torch.empty(values.length).toType(torch.ScalarType.Int);
        t.data_ptr_int().put(values);
        return t.toType(torch.ScalarType.Long);
    }

    /** The values of a tensor as floats, moved to CPU and made contiguous first. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().cpu().toType(torch.ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** A new double tensor of {@code shape} holding {@code values} (row-major). */
    public static Tensor fromDoubles(double[] values, long... shape) {
        Tensor t = torch.empty(shape).toType(torch.ScalarType.Double);
        t.data_ptr_double().put(values);
        return t;
    }

    /** The values of a tensor as doubles, moved to CPU and made contiguous first. */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().cpu().toType(torch.ScalarType.Double).contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }

    /**
     * Whether {@code t} holds float32. The presets hand back a new enum object from
     * {@code scalar_type()}, so {@code ==} against {@code torch.ScalarType.Float} is always false.
     */
    public static boolean isFloat(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value;
    }

    /** Whether {@code t} holds bfloat16 (compared by value, as {@link #isFloat}). */
    public static boolean isBFloat16(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.BFloat16.value;
    }
}
