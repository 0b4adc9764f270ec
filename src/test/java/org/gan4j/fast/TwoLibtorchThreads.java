package org.gan4j.fast;

import org.gan4j.nn.Layers;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs each test with two libtorch threads ({@link TeamFork}'s case) and restores the count after. */
public final class TwoLibtorchThreads implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TwoLibtorchThreads.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("threads", torch.get_num_threads());
        torch.set_num_threads(2);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        torch.set_num_threads(context.getStore(NS).get("threads", Integer.class));
    }
}
