package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;

/**
 * One weighted extra term of D's or G's loss (a penalty, a class or InfoGAN term, L1 to a
 * target, cycle consistency, mode seeking). Its value already carries its weight; {@link #name}
 * is its key in the metrics rows.
 *
 * <pre>{@code
 * Term l1 = Term.of("l1", s -> s.fake().sub(s.real()).abs().mean().mul(new Scalar(100.0)));
 * }</pre>
 */
public interface Term {
    String name();

    /** The term's weighted value, a scalar. */
    Tensor value(StepTensors s);

    /** Whether the term differentiates D's output on the real batch with respect to that batch (R1). */
    default boolean needsRealGradient() {
        return false;
    }

    /**
     * Whether the term reads D's outputs only, never differentiating D's graph itself (class and
     * InfoGAN terms do; gradient penalties do not): D's passes may then be cut and run apart.
     */
    default boolean readsOutputsOnly() {
        return false;
    }

    static Term of(String name, java.util.function.Function<StepTensors, Tensor> value) {
        return of(name, value, false);
    }

    /** A term named {@code name}; {@code outputsOnly}: see {@link #readsOutputsOnly}. */
    static Term of(String name, java.util.function.Function<StepTensors, Tensor> value, boolean outputsOnly) {
        return new Term() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor value(StepTensors s) {
                return value.apply(s);
            }

            @Override
            public boolean readsOutputsOnly() {
                return outputsOnly;
            }
        };
    }
}
