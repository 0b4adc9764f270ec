package org.gan4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a live bar (steps/s, ETA, current losses) on a terminal; plain
 * lines, one per log interval, when output goes to a file or a pipe.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream out;
    private final long total;

    public Progress(String task, long start, long total, boolean terminal, PrintStream out) {
        this.out = out;
        this.total = total;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(500)
                .startsFrom(start, java.time.Duration.ZERO).build() : null;
    }

    /** True when stdout is an interactive terminal. */
    public static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    public void step(long step) {
        if (bar != null) {
            bar.stepTo(step);
        }
    }

    public void log(Map<String, Object> row) {
        String msg = String.format(Locale.ROOT, "loss_d %.3f loss_g %.3f D(x) %.2f D(G(z)) %.2f",
                row.get("loss_d"), row.get("loss_g"), row.get("d_real"), row.get("d_fake"));
        if (bar != null) {
            bar.setExtraMessage(" " + msg);
        } else {
            long step = ((Number) row.get("step")).longValue();
            double sps = ((Number) row.get("steps_per_s")).doubleValue();
            double eta = sps > 0 ? (total - step) / sps : 0;
            out.printf(Locale.ROOT, "step %d/%d  %s  %.2f steps/s  eta %.0fs%n", step, total, msg, sps, eta);
            out.flush();
        }
    }

    /** A line of its own, e.g. a score during training. */
    public void event(String msg) {
        if (bar != null) {
            bar.setExtraMessage(" " + msg);
        } else {
            out.println(msg);
            out.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
