package org.gan4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Steps/s, ETA and the latest losses: a live line on a terminal, plain log lines elsewhere; ends with the trainer. */
public final class ProgressListener implements TrainingListener, AutoCloseable {
    private final String name;
    private final boolean terminal;
    private final PrintStream out;
    private Progress progress;

    public ProgressListener(String name, boolean terminal, PrintStream out) {
        this.name = name;
        this.terminal = terminal;
        this.out = out;
    }

    @Override
    public void onFitStart(Trainer t) {
        progress = new Progress(name, t.step(), t.steps(), terminal, out);
    }

    @Override
    public void onLog(Trainer t, Map<String, Object> row) {
        progress.log(row);
    }

    @Override
    public void onStep(Trainer t) {
        progress.step(t.step());
    }

    @Override
    public void onRollback(Trainer t, Map<String, Object> row) {
        event(String.format(Locale.ROOT, "step %s: %s; rolled back to step %s, learning rates x%.3g (rollback %s)",
                row.get("step"), row.get("reason"), row.get("to_step"), row.get("lr_scale"), row.get("rollbacks")));
    }

    /** A one-off line (an evaluation's scores). */
    public void event(String msg) {
        if (progress != null) {
            progress.event(msg);
        }
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
    }
}
