package org.gan4j.viz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gan4j.config.UserError;
import org.gan4j.nn.Archives;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of a run: curves over steps or seconds, and 2-D sample scatters. */
public final class Plots {
    private Plots() {
    }

    /** One line per named series over the same x values. */
    public static void curves(Path file, String title, String xLabel, List<Double> x,
                              Map<String, List<Double>> series) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle(xLabel).build();
        chart.getStyler().setMarkerSize(0);
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            if (!e.getValue().isEmpty()) {
                chart.addSeries(e.getKey(), x.subList(0, e.getValue().size()), e.getValue())
                        .setMarker(SeriesMarkers.NONE);
            }
        }
        save(chart, file);
    }

    /**
     * A series on the left axis beside a share in [0, 1] drawn as a percentage on a right axis
     * fixed at 0-100 (FID and the confident share over seconds), so the share's trend reads at its
     * true size; points marked, since a curve of a few scores reads better with them.
     */
    public static void withShare(Path file, String title, String xLabel, List<Double> x,
                                 String left, List<Double> leftY, String share, List<Double> shareY) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle(xLabel).build();
        chart.getStyler().setMarkerSize(6).setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMin(1, 0.0).setYAxisMax(1, 100.0);
        if (!leftY.isEmpty()) {
            chart.addSeries(left, x.subList(0, leftY.size()), leftY).setMarker(SeriesMarkers.CIRCLE);
        }
        if (!shareY.isEmpty()) {
            List<Double> percent = shareY.stream().map(v -> 100 * v).toList();
            chart.addSeries(share, x.subList(0, percent.size()), percent).setMarker(SeriesMarkers.DIAMOND)
                    .setYAxisGroup(1);
        }
        chart.setYAxisGroupTitle(0, left);
        chart.setYAxisGroupTitle(1, share);
        save(chart, file);
    }

    /** Generated points (small, translucent) over the mixture's means (crosses). */
    public static void scatter(Path file, String title, float[] xy, double[][] means, double range) {
        XYChart chart = new XYChartBuilder().width(600).height(600).title(title).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setXAxisMin(-range).setXAxisMax(range).setYAxisMin(-range).setYAxisMax(range);
        double[] x = new double[xy.length / 2];
        double[] y = new double[xy.length / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = xy[2 * i];
            y[i] = xy[2 * i + 1];
        }
        chart.addSeries("samples", x, y).setMarker(SeriesMarkers.CIRCLE);
        double[] mx = new double[means.length];
        double[] my = new double[means.length];
        for (int i = 0; i < means.length; i++) {
            mx[i] = means[i][0];
            my[i] = means[i][1];
        }
        chart.addSeries("modes", mx, my).setMarker(SeriesMarkers.CROSS);
        save(chart, file);
    }

    private static volatile boolean warned;

    private static void save(XYChart chart, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UserError(file + ": cannot be written (" + Archives.reason(e, file) + ")");
        } catch (LinkageError | java.awt.AWTError e) {
            // a Java runtime without its font libraries (seen on a bare GPU server) cannot draw
            // text; a finished run must not fail over a chart whose numbers are in metrics.csv
            if (!warned) {
                warned = true;
                System.err.println("gan4j: warning: charts not drawn (" + file.getFileName()
                        + "): this Java cannot render text here: " + e);
            }
        }
    }
}
