package org.gan4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** After the last step: losses.png, d_outputs.png and, where scored, fid.png and precision_recall.png. */
public final class PlotListener implements TrainingListener {
    private final Path dir;
    private final String name;
    private final MetricsListener metrics;

    public PlotListener(Path dir, String name, MetricsListener metrics) {
        this.dir = dir;
        this.name = name;
        this.metrics = metrics;
    }

    @Override
    public void onFitEnd(Trainer t) {
        List<Map<String, Object>> all = metrics.rows();
        List<Map<String, Object>> rows = all.stream().filter(r -> r.containsKey("loss_d")).toList();
        if (!rows.isEmpty()) {
            List<Double> x = MetricsLog.series(rows, "step");
            Map<String, List<Double>> losses = new LinkedHashMap<>();
            losses.put("loss_d", MetricsLog.series(rows, "loss_d"));
            losses.put("loss_g", MetricsLog.series(rows, "loss_g"));
            org.gan4j.viz.Plots.curves(dir.resolve("losses.png"), name + ": losses", "step", x, losses);
            Map<String, List<Double>> outs = new LinkedHashMap<>();
            outs.put("D(x)", MetricsLog.series(rows, "d_real"));
            outs.put("D(G(z))", MetricsLog.series(rows, "d_fake"));
            org.gan4j.viz.Plots.curves(dir.resolve("d_outputs.png"), name + ": discriminator outputs", "step", x, outs);
        }
        List<Map<String, Object>> evals = all.stream().filter(r -> r.containsKey("fid")).toList();
        if (!evals.isEmpty()) {
            List<Double> x = MetricsLog.series(evals, "step");
            org.gan4j.viz.Plots.curves(dir.resolve("fid.png"), name + ": FID (classifier features)", "step", x,
                    Map.of("fid", MetricsLog.series(evals, "fid")));
            Map<String, List<Double>> pr = new LinkedHashMap<>();
            for (String k : new String[] {"precision", "recall", "density", "coverage"}) {
                pr.put(k, MetricsLog.series(evals, k));
            }
            org.gan4j.viz.Plots.curves(dir.resolve("precision_recall.png"), name + ": precision, recall, density, coverage",
                    "step", x, pr);
        }
    }
}
