package org.gan4j.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes each logged step's row to a JSON-lines file (metrics.jsonl); a resumed run first drops
 * rows past its checkpoint's step, which it writes again. Other listeners add their rows
 * (evaluations) through {@link #write}.
 */
public final class MetricsListener implements TrainingListener, AutoCloseable {
    private final Path file;
    private MetricsLog log;

    public MetricsListener(Path file) {
        this.file = file;
    }

    @Override
    public void onFitStart(Trainer t) {
        if (log == null) {
            log = new MetricsLog(file, t.step());
        }
    }

    @Override
    public void onLog(Trainer t, Map<String, Object> row) {
        log.write(row);
    }

    /** Rows past the step gone back to (from the abandoned stretch) are dropped, as a resume drops them; then the rollback's row. */
    @Override
    public void onRollback(Trainer t, Map<String, Object> row) {
        log.close();
        log = new MetricsLog(file, t.step());
        log.write(row);
    }

    public void write(Map<String, Object> row) {
        log.write(row);
    }

    /** Every row so far, the resumed part included. */
    public List<Map<String, Object>> rows() {
        return log == null ? List.of() : log.rows();
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
            log = null;
        }
    }
}
