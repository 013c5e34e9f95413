package dev.sparkcnn.driver.report;

import dev.sparkcnn.driver.eval.EvaluationReport;
import dev.sparkcnn.driver.train.RoundStats;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn by XChart and encoded as PNG. Each method takes figures exactly as
 * {@code metrics.json} holds them; sizes are fixed so the page lays out the same for every model.
 */
public final class ReportCharts {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 420;
    public static final int HEATMAP_SIDE = 760;
    /** The first series' colour (bars; the training line). */
    public static final Color BAR = new Color(0x1565C0);
    /** The second series' colour (the held-out line). */
    public static final Color SECOND = new Color(0xEF6C00);

    private ReportCharts() {
    }

    /** Mean training loss of every round, with the mean of each epoch as a second line. */
    public static byte[] loss(List<RoundStats> rounds) {
        return perRound("Training loss per round", "mean cross-entropy", rounds, RoundStats::loss, null);
    }

    /**
     * Training accuracy of every round (measured on each batch before its step), with each epoch's
     * mean; rounds without a measurement are left out.
     */
    public static byte[] accuracy(List<RoundStats> rounds) {
        return perRound("Training accuracy per round", "accuracy",
                rounds.stream().filter(r -> r.accuracy() != null).toList(), RoundStats::accuracy, 1.0);
    }

    private static byte[] perRound(String title, String yTitle, List<RoundStats> rounds,
                                   ToDoubleFunction<RoundStats> value, Double yMax) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("round").yAxisTitle(yTitle).build();
        style(chart);
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        chart.getStyler().setLegendPosition(yMax == null ? Styler.LegendPosition.InsideNE
                : Styler.LegendPosition.InsideSE);
        if (yMax != null) {
            chart.getStyler().setYAxisMin(0.0).setYAxisMax(yMax);
        }
        double[] x = rounds.stream().mapToDouble(RoundStats::round).toArray();
        double[] y = rounds.stream().mapToDouble(value).toArray();
        XYSeries perRound = chart.addSeries("round", x, y);
        perRound.setLineColor(BAR);
        perRound.setMarkerColor(BAR);
        perRound.setMarker(rounds.size() > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        int epochs = rounds.stream().mapToInt(RoundStats::epoch).max().orElse(0);
        if (epochs > 1) {
            List<Double> ex = new ArrayList<>();
            List<Double> ey = new ArrayList<>();
            for (int e = 1; e <= epochs; e++) {
                int epoch = e;
                List<RoundStats> of = rounds.stream().filter(r -> r.epoch() == epoch).toList();
                long n = of.stream().mapToLong(RoundStats::examples).sum();
                if (n > 0) {
                    ex.add(of.get(of.size() - 1).round() * 1.0);
                    ey.add(of.stream().mapToDouble(r -> value.applyAsDouble(r) * r.examples()).sum() / n);
                }
            }
            XYSeries perEpoch = chart.addSeries("epoch mean (at its last round)", ex, ey);
            perEpoch.setLineColor(SECOND);
            perEpoch.setMarkerColor(SECOND);
            perEpoch.setMarker(SeriesMarkers.DIAMOND);
        }
        return png(chart);
    }

    /** Held-out accuracy of every partition, with the overall accuracy for reference. */
    public static byte[] partitions(List<EvaluationReport.PartitionAccuracy> partitions, double overall) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format("Held-out accuracy per partition (overall %.3f)", overall))
                .xAxisTitle("partition").yAxisTitle("accuracy").build();
        style(chart);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLabelsVisible(partitions.size() <= 16);
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        chart.getStyler().setXAxisTickMarkSpacingHint(16);
        chart.getStyler().setSeriesColors(new Color[] {BAR});
        chart.addSeries("accuracy", partitions.stream().map(p -> "p" + p.partition() + " (" + p.examples() + ")")
                .toList(), partitions.stream().map(p -> (Number) p.accuracy()).toList());
        return png(chart);
    }

    /** Recall (= the class's accuracy) and precision of every class. */
    public static byte[] classes(List<EvaluationReport.ClassMetrics> classes) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Accuracy per class (recall) and precision").xAxisTitle("class").yAxisTitle("").build();
        style(chart);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setSeriesColors(new Color[] {BAR, SECOND});
        chart.getStyler().setXAxisTickMarkSpacingHint(8);
        if (classes.size() > 6) {
            chart.getStyler().setXAxisLabelRotation(30);
        }
        List<String> names = classes.stream().map(EvaluationReport.ClassMetrics::name).toList();
        chart.addSeries("accuracy (recall)", names, classes.stream().map(c -> (Number) c.recall()).toList());
        chart.addSeries("precision", names, classes.stream().map(c -> (Number) c.precision()).toList());
        return png(chart);
    }

    /** The confusion matrix as counts, actual classes top to bottom, predicted left to right. */
    public static byte[] confusion(long[][] matrix, List<String> names) {
        int n = matrix.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(HEATMAP_SIDE).height(HEATMAP_SIDE)
                .title("Confusion matrix (counts)").xAxisTitle("predicted").yAxisTitle("actual").build();
        style(chart);
        chart.getStyler().setShowValue(n <= 20);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xF5F9FF), new Color(0x90CAF9), BAR});
        chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, n > 12 ? 9 : 12));
        chart.getStyler().setXAxisLabelRotation(n > 6 ? 45 : 0);
        // one label per class: XChart thins labels closer than the hint (default ~74 px)
        chart.getStyler().setXAxisTickMarkSpacingHint(8);
        chart.getStyler().setYAxisTickMarkSpacingHint(8);
        List<String> reversed = IntStream.range(0, n).mapToObj(i -> names.get(n - 1 - i)).toList();
        List<Number[]> cells = new ArrayList<>();
        long max = 0;
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                cells.add(new Number[] {predicted, n - 1 - actual, matrix[actual][predicted]});
                max = Math.max(max, matrix[actual][predicted]);
            }
        }
        chart.getStyler().setMin(0).setMax(Math.max(1, max));
        chart.addSeries("confusion", names, reversed, cells);
        return png(chart);
    }

    static void style(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a chart as PNG: " + e.getMessage(), e);
        }
    }
}
