package org.gan4j.train;

/**
 * One training step: {@code n_critic} discriminator steps, then one generator step and the EMA
 * update, over a {@link GanModel}. {@link PlainStep} is the readable reference; a faster one
 * with the same maths may come from {@link SpeedPaths}.
 */
public interface TrainStep {
    /**
     * Runs step {@code step} (0-based) on batches from {@code data}; {@code diagnostics} also
     * takes both networks' gradient norms (a host read, so only on logged steps).
     */
    StepResult run(GanModel m, Batches data, long step, boolean diagnostics);

    /** Real batches, on the model's device. */
    interface Batches {
        RealBatch next();
    }
}
