package org.gan4j.fast;

import org.gan4j.nn.Layers;
import org.bytedeco.pytorch.Tensor;
import org.gan4j.models.Generator;
import org.gan4j.nn.Net;

/** Test helpers: layers and models routed through the fast kernels, as a trainer prepares them. */
final class Fast {
    private Fast() {
    }

    /** {@code net} with its layers through {@link FastConv} and {@link FastLinear} (NHWC where {@code channelsLast}). */
    static <N extends Net> N kernels(boolean channelsLast, N net) {
        new FastPaths().prepare(net, channelsLast);
        return net;
    }

    /** A forward of G with its deferred gradients collected, as the forked step runs it. */
    record Deferred(Tensor samples, DeferredGrads grads) {
        void finish() {
            grads.finish();
        }
    }

    /** G (already prepared by {@link #kernels}) forward with its collection open. */
    static Deferred forwardDeferred(Generator g, Tensor z, Tensor y) {
        DeferredGrads grads = FastPaths.grads(g);
        grads.open();
        try {
            return new Deferred(g.forward(z, y), grads);
        } finally {
            grads.close();
        }
    }
}
