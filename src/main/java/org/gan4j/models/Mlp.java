package org.gan4j.models;

import org.gan4j.nn.Layers;
import org.gan4j.nn.Net;
import org.gan4j.nn.Sequential;

/** Fully connected stacks shared by the MLP generators and discriminators. */
final class Mlp {
    private Mlp() {
    }

    /** in -> hidden[0] -> ... -> out, with {@code act} after every hidden layer. */
    static Sequential stack(long in, long[] hidden, long out, java.util.function.Supplier<Net> act) {
        Sequential s = new Sequential();
        long prev = in;
        for (long h : hidden) {
            s.add(Layers.linear(prev, h)).add(act.get());
            prev = h;
        }
        return s.add(Layers.linear(prev, out));
    }

    /** As {@link #stack}, with batch normalisation between each hidden linear layer and its activation. */
    static Sequential stackBn(long in, long[] hidden, long out, java.util.function.Supplier<Net> act) {
        Sequential s = new Sequential();
        long prev = in;
        for (long h : hidden) {
            s.add(Layers.linear(prev, h)).add(Layers.batchNorm(h)).add(act.get());
            prev = h;
        }
        return s.add(Layers.linear(prev, out));
    }
}
