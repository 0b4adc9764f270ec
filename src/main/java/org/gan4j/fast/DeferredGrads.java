package org.gan4j.fast;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameter gradients a forward pass leaves for its caller to add after the backward: kernels
 * that compute a gradient outside autograd's own path ({@link SplitLinear}, {@link ConvWeightGrad})
 * register here while the collection is open. One collection belongs to one prepared model; while
 * it is closed, that model's layers are plain autograd.
 */
public final class DeferredGrads {
    private final List<Runnable> pending = new ArrayList<>();
    private boolean open;

    /** Starts a collection for one forward pass (what an earlier one left is dropped). */
    public void open() {
        pending.clear();
        open = true;
    }

    /** Stops collecting; what was collected stays to {@link #finish}. */
    public void close() {
        open = false;
    }

    public boolean isOpen() {
        return open;
    }

    void add(Runnable finish) {
        pending.add(finish);
    }

    /** How many layers left gradients to add. */
    public int size() {
        return pending.size();
    }

    /**
     * Adds every registered layer's gradients from what the backward left (nothing for a layer
     * it did not reach); call after each backward through the forward's outputs.
     */
    public void finish() {
        for (Runnable r : pending) {
            r.run();
        }
    }
}
