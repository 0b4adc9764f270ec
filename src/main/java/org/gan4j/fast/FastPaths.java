package org.gan4j.fast;

import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;
import org.gan4j.train.GanModel;
import org.gan4j.train.SpeedPaths;
import org.gan4j.train.TrainStep;

/**
 * gan4j's fast paths, found by the trainer on the class path ({@link SpeedPaths}): every
 * convolution through {@link FastConv} and dense layer through {@link FastLinear}, and on a CPU
 * with two libtorch threads the {@link ForkedStep}, where the model and objective have the
 * capabilities it needs.
 */
public final class FastPaths implements SpeedPaths {
    @Override
    public void prepare(Net model, boolean channelsLast) {
        DeferredGrads grads = new DeferredGrads();
        route(model, channelsLast, grads);
    }

    private static void route(Net net, boolean channelsLast, DeferredGrads grads) {
        if (net instanceof Layers.Conv2d c) {
            c.useKernel(new FastConv(c, channelsLast, grads));
        } else if (net instanceof Layers.Linear l) {
            l.useKernel(new FastLinear(grads));
        }
        for (Net child : net.subnets()) {
            route(child, channelsLast, grads);
        }
    }

    /** The collection a prepared model's kernels defer their gradients to, or null if not prepared here. */
    static DeferredGrads grads(Net model) {
        if (model instanceof Layers.Conv2d c && c.kernel() instanceof FastConv f) {
            return f.grads();
        }
        if (model instanceof Layers.Linear l && l.kernel() instanceof FastLinear f) {
            return f.grads();
        }
        for (Net child : model.subnets()) {
            DeferredGrads g = grads(child);
            if (g != null) {
                return g;
            }
        }
        return null;
    }

    /** The forked step, on the CPU with two libtorch threads. */
    @Override
    public TrainStep step(GanModel m) {
        if (m.device().is_cuda() || !TeamFork.available()) {
            return null;
        }
        return new ForkedStep(m, grads(m.g()));
    }

    /** Whether {@code step} runs D's real and fake passes side by side (for reports). */
    public static boolean forksD(TrainStep step) {
        return step instanceof ForkedStep f && f.forksD();
    }
}
