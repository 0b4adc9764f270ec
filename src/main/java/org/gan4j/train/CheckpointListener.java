package org.gan4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.gan4j.config.UserError;
import org.gan4j.nn.Archives;

/**
 * Saves the run's state every {@code every} steps (0: only at the end) and after the last step,
 * as {@code checkpoints/step-N.pt}, then points {@code latest.pt} at it (a hard link where the
 * file system has them, else a copy, each swapped in by one rename) and removes step files past
 * the newest {@code keep}. A resume falls back along them when one is damaged.
 */
public final class CheckpointListener implements TrainingListener {
    private final RunDir dir;
    private final int every;
    private final int keep;
    private long lastSaved = -1;

    public CheckpointListener(RunDir dir, int every, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints kept: must be >= 1, got " + keep);
        }
        this.dir = dir;
        this.every = every;
        this.keep = keep;
    }

    @Override
    public void onStep(Trainer t) {
        if (every > 0 && t.step() % every == 0) {
            save(t);
        }
    }

    @Override
    public void onFitEnd(Trainer t) {
        if (lastSaved != t.step()) {
            save(t);
        }
    }

    private void save(Trainer t) {
        Path file = dir.checkpoint(t.step());
        t.save(file);
        lastSaved = t.step();
        Path latest = dir.latest();
        Path tmp = latest.resolveSibling(latest.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, file);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, latest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the copy's own error is the one to report
            }
            throw new UserError(latest + ": cannot be written (" + Archives.reason(e, latest) + "); "
                    + file + " holds step " + t.step());
        }
        List<Path> steps = dir.stepCheckpoints();
        for (int i = 0; i < steps.size() - keep; i++) {
            try {
                Files.deleteIfExists(steps.get(i));
            } catch (IOException e) {
                throw new UserError(steps.get(i) + ": cannot remove an old checkpoint (" + e.getMessage() + ")");
            }
        }
    }
}
