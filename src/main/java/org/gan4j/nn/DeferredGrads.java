package org.gan4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameter gradients a forward pass leaves for its caller to add after the backward: layers that
 * compute a gradient outside autograd's own path ({@link SplitLinear}, {@link ConvWeightGrad})
 * register here while a collection is open on the thread running the forward. Elsewhere nothing
 * changes: with no collection open every layer is plain autograd.
 */
public final class DeferredGrads implements AutoCloseable {
    private static final ThreadLocal<DeferredGrads> OPEN = new ThreadLocal<>();

    private final List<Runnable> pending = new ArrayList<>();
    private final DeferredGrads outer;

    private DeferredGrads(DeferredGrads outer) {
        this.outer = outer;
    }

    /** Starts collecting on this thread; {@link #close} stops (the gradients stay to finish). */
    public static DeferredGrads open() {
        DeferredGrads g = new DeferredGrads(OPEN.get());
        OPEN.set(g);
        return g;
    }

    /** The collection open on this thread, or null. */
    static DeferredGrads current() {
        return OPEN.get();
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

    @Override
    public void close() {
        if (OPEN.get() == this) {
            if (outer == null) {
                OPEN.remove();
            } else {
                OPEN.set(outer);
            }
        }
    }
}
