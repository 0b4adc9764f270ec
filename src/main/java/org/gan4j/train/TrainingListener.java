package org.gan4j.train;

import java.util.Map;

/**
 * What happens around the steps of {@link Trainer#fit} (DJL's TrainingListener): metrics rows,
 * progress, sample grids, checkpoints, evaluation, plots, memory housekeeping. Every method has
 * an empty default; a listener that holds files is {@link AutoCloseable} and closed with the
 * trainer.
 */
public interface TrainingListener {
    /** Before the first step of a fit; {@code t.step()} is where it starts (0, or a resumed step). */
    default void onFitStart(Trainer t) {
    }

    /** The metrics row of a logged step (every {@code log every} steps), before {@link #onStep}. */
    default void onLog(Trainer t, Map<String, Object> row) {
    }

    /**
     * After the divergence guard took the run back ({@code t.step()} is where it continues); the
     * row says from which step, why, and the learning rates' new scale.
     */
    default void onRollback(Trainer t, Map<String, Object> row) {
    }

    /** After each step; {@code t.step()} counts the steps done. */
    default void onStep(Trainer t) {
    }

    /** After the last step of a fit. */
    default void onFitEnd(Trainer t) {
    }
}
