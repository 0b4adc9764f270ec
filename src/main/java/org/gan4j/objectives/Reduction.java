package org.gan4j.objectives;

import org.bytedeco.pytorch.Tensor;

/** How per-element losses become one scalar. */
public enum Reduction {
    MEAN, SUM;

    Tensor apply(Tensor perElement) {
        return this == MEAN ? perElement.mean() : perElement.sum();
    }
}
