package org.gan4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A gan4j module: a libtorch {@link Module} whose forward pass is written in Java.
 * Parameters and buffers registered here are saved, loaded and moved with the module.
 */
public abstract class Net extends Module {
    private final List<Net> subnets = new ArrayList<>();

    protected Net() {
        super();
    }

    /** Applies the module to a batch; shapes are documented by each subclass. */
    public abstract Tensor forward(Tensor x);

    /** Registers a child so that its parameters, buffers and mode follow this module. */
    protected final <M extends Net> M child(String name, M module) {
        register_module(name, module);
        subnets.add(module);
        return module;
    }

    /**
     * Registers a parameter and returns the caller's own handle to it. The presets return a
     * reference into the module's parameter table, which dangles once the table grows.
     */
    protected final Tensor param(String name, Tensor t) {
        register_parameter(name, t);
        return t;
    }

    /** Registers a buffer (saved and moved with the module, not trained); see {@link #param}. */
    protected final Tensor buffer(String name, Tensor t) {
        register_buffer(name, t);
        return t;
    }

    /** Direct children, as Java objects (libtorch's own list loses their Java types). */
    public final List<Net> subnets() {
        return Collections.unmodifiableList(subnets);
    }
}
