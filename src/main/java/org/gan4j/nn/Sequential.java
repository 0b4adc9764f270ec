package org.gan4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** Applies its children in order; children are registered as "0", "1", ... as in torch.nn. */
public final class Sequential extends Net {
    private final List<Net> layers = new ArrayList<>();

    public Sequential(Net... layers) {
        for (Net layer : layers) {
            add(layer);
        }
    }

    public Sequential add(Net layer) {
        layers.add(child(Integer.toString(layers.size()), layer));
        return this;
    }

    public int size() {
        return layers.size();
    }

    public Net get(int i) {
        return layers.get(i);
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0, layers.size());
    }

    /** Applies layers {@code from} (inclusive) to {@code to} (exclusive) only. */
    public Tensor forward(Tensor x, int from, int to) {
        for (int i = from; i < to; i++) {
            x = layers.get(i).forward(x);
        }
        return x;
    }
}
