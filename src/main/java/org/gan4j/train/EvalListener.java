package org.gan4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gan4j.config.ExperimentConfig;

/**
 * Scores the sampling generator every {@code every} steps and after the last (FID, KID,
 * precision/recall, density/coverage on a classifier's features against the training images,
 * and the share the classifier reads with p >= 0.9), writes the row to the metrics, and keeps
 * {@code best} at the lowest FID. Before the checkpoint of the same step, so a run resumed from
 * it has that step's score already.
 *
 * <p>Each row carries {@code seconds}, the wall clock since this fit started less the time spent
 * in evaluations (so a curve over it shows what a run without them reached by then), and
 * {@code eval_seconds}, this evaluation's own sampling and scoring. A resumed run counts from 0
 * again at its resume: the time its first process spent past its last score is in no file, and
 * an offset from that score would pass a guess for a measurement.
 */
public final class EvalListener implements TrainingListener {
    private final TrainingEval evaluator;
    private final int every;
    private final MetricsListener metrics;
    private final ProgressListener progress;
    private final Path best;
    private long fitStart;
    private long evalNanos;

    public EvalListener(ExperimentConfig config, org.gan4j.data.Dataset data,
                        MetricsListener metrics, ProgressListener progress, Path best) {
        this.evaluator = new TrainingEval(config, data);
        this.every = config.eval().every();
        this.metrics = metrics;
        this.progress = progress;
        this.best = best;
    }

    @Override
    public void onFitStart(Trainer t) {
        fitStart = System.nanoTime();
        evalNanos = 0;
    }

    @Override
    public void onStep(Trainer t) {
        if (t.step() % every == 0) {
            evaluate(t);
        }
    }

    @Override
    public void onFitEnd(Trainer t) {
        if (t.step() % every != 0) {
            evaluate(t);
        }
    }

    private void evaluate(Trainer t) {
        long start = System.nanoTime();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", t.step());
        row.put("event", "eval");
        row.put("seconds", (start - fitStart - evalNanos) / 1e9);
        try {
            t.sampler().eval();
            row.putAll(evaluator.score(t.sampler()));
        } finally {
            t.generator().train(true);
        }
        row.put("eval_seconds", (System.nanoTime() - start) / 1e9);
        double bestFid = Double.POSITIVE_INFINITY;
        for (Map<String, Object> r : metrics.rows()) {
            if (r.get("fid") instanceof Number n) {
                bestFid = Math.min(bestFid, n.doubleValue());
            }
        }
        metrics.write(row);
        if (progress != null) {
            String confident = row.get("confident_share") instanceof Double c
                    ? String.format(Locale.ROOT, " confident %.1f%%", 100 * c) : "";
            progress.event(String.format(Locale.ROOT, "step %d eval: fid %.3f precision %.3f recall %.3f coverage %.3f%s",
                    t.step(), row.get("fid"), row.get("precision"), row.get("recall"), row.get("coverage"), confident));
        }
        if ((double) row.get("fid") < bestFid) {
            t.save(best);
        }
        // best.pt's saving too: time a run without evaluation would not spend
        evalNanos += System.nanoTime() - start;
    }
}
