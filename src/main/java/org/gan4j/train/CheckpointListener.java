package org.gan4j.train;

import java.nio.file.Path;

/** Saves the run's state every {@code every} steps (0: only at the end) and after the last step. */
public final class CheckpointListener implements TrainingListener {
    private final Path file;
    private final int every;

    public CheckpointListener(Path file, int every) {
        this.file = file;
        this.every = every;
    }

    @Override
    public void onStep(Trainer t) {
        if (every > 0 && t.step() % every == 0) {
            t.save(file);
        }
    }

    @Override
    public void onFitEnd(Trainer t) {
        t.save(file);
    }
}
