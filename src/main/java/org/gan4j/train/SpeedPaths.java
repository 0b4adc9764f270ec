package org.gan4j.train;

import java.util.ServiceLoader;
import org.gan4j.nn.Net;

/**
 * Faster routes to the same maths, found once on the class path (gan4j's own live in
 * org.gan4j.fast): kernels a model's layers are routed through, and a faster training step
 * where the model, objective and machine allow one. {@link #NONE} is the plain libtorch path;
 * {@code train.fast_paths: false}, or the system property gan4j.fast_paths=false (environment
 * GAN4J_FAST_PATHS=false) for every command, chooses it.
 */
public interface SpeedPaths {
    /** Routes {@code model}'s layers through faster kernels (weights NHWC where {@code channelsLast}); before its optimizer exists. */
    void prepare(Net model, boolean channelsLast);

    /** A step with {@link PlainStep}'s maths that runs faster for {@code m} here, or null where none applies. */
    TrainStep step(GanModel m);

    SpeedPaths NONE = new SpeedPaths() {
        @Override
        public void prepare(Net model, boolean channelsLast) {
        }

        @Override
        public TrainStep step(GanModel m) {
            return null;
        }

    };

    /** Whether the system property or environment leaves fast paths on (the default). */
    static boolean enabled() {
        return !"false".equals(System.getProperty("gan4j.fast_paths",
                System.getenv().getOrDefault("GAN4J_FAST_PATHS", "true")));
    }

    /** The fast paths on the class path where {@code on} and {@link #enabled}, else {@link #NONE}. */
    static SpeedPaths choose(boolean on) {
        if (!on || !enabled()) {
            return NONE;
        }
        return Holder.FOUND;
    }

    /** Loaded once: the first provider on the class path. */
    final class Holder {
        static final SpeedPaths FOUND = ServiceLoader.load(SpeedPaths.class).findFirst().orElse(NONE);

        private Holder() {
        }
    }
}
