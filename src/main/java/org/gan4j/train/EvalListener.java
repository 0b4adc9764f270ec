package org.gan4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gan4j.config.ExperimentConfig;

/**
 * Scores the sampling generator every {@code every} steps and after the last (FID, KID,
 * precision/recall, density/coverage on a classifier's features against the training images),
 * writes the row to the metrics, and keeps {@code best} at the lowest FID. Before the checkpoint
 * of the same step, so a run resumed from it has that step's score already.
 */
public final class EvalListener implements TrainingListener {
    private final TrainingEval evaluator;
    private final int every;
    private final MetricsListener metrics;
    private final ProgressListener progress;
    private final Path best;

    public EvalListener(ExperimentConfig config, org.gan4j.data.Dataset data,
                        MetricsListener metrics, ProgressListener progress, Path best) {
        this.evaluator = new TrainingEval(config, data);
        this.every = config.eval().every();
        this.metrics = metrics;
        this.progress = progress;
        this.best = best;
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
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", t.step());
        row.put("event", "eval");
        try {
            t.sampler().eval();
            row.putAll(evaluator.score(t.sampler()));
        } finally {
            t.generator().train(true);
        }
        double bestFid = Double.POSITIVE_INFINITY;
        for (Map<String, Object> r : metrics.rows()) {
            if (r.get("fid") instanceof Number n) {
                bestFid = Math.min(bestFid, n.doubleValue());
            }
        }
        metrics.write(row);
        if (progress != null) {
            progress.event(String.format(Locale.ROOT, "step %d eval: fid %.3f precision %.3f recall %.3f coverage %.3f",
                    t.step(), row.get("fid"), row.get("precision"), row.get("recall"), row.get("coverage")));
        }
        if ((double) row.get("fid") < bestFid) {
            t.save(best);
        }
    }
}
