package dev.sparkcnn.driver.report;

import dev.sparkcnn.driver.train.EpochStats;
import dev.sparkcnn.driver.train.KeptEpoch;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training against held-out figures per epoch, as the TensorFlow tutorials plot a Keras history:
 * one chart of accuracy, one of loss, x = epoch, a line for training (measured on each batch
 * before its step, averaged over the epoch) and one for the held-out split (evaluated with the
 * epoch's end state). With {@code --keep-best} the kept epoch is marked on the held-out line.
 */
public final class EpochCharts {
    /** The kept epoch's line and label. */
    public static final Color KEPT = new Color(0x2E7D32);

    private EpochCharts() {
    }

    /** Whether {@code epochs} hold an accuracy to draw (training, held-out or both). */
    public static boolean hasAccuracy(List<EpochStats> epochs) {
        return epochs.stream().anyMatch(e -> e.accuracy() != null || e.heldOutAccuracy() != null);
    }

    /** Training and held-out accuracy per epoch; epochs without a figure are left out of its line. */
    public static byte[] accuracy(List<EpochStats> epochs, KeptEpoch kept) {
        return chart("Accuracy per epoch: training vs held-out", "accuracy", epochs, EpochStats::accuracy,
                EpochStats::heldOutAccuracy, kept, true);
    }

    /** Training and held-out mean cross-entropy per epoch. */
    public static byte[] loss(List<EpochStats> epochs, KeptEpoch kept) {
        return chart("Loss per epoch: training vs held-out", "mean cross-entropy", epochs, EpochStats::loss,
                EpochStats::heldOutLoss, kept, false);
    }

    private static byte[] chart(String title, String yTitle, List<EpochStats> epochs,
                                Function<EpochStats, Double> training, Function<EpochStats, Double> heldOut,
                                KeptEpoch kept, boolean accuracy) {
        XYChart chart = new XYChartBuilder().width(ReportCharts.WIDTH).height(ReportCharts.HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        ReportCharts.style(chart);
        Styler s = chart.getStyler();
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        chart.getStyler().setLegendPosition(accuracy ? Styler.LegendPosition.InsideSE
                : Styler.LegendPosition.InsideNE);
        // epochs are whole numbers: label only the whole ticks
        chart.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9
                ? String.valueOf(Math.round(x)) : "");
        if (accuracy) {
            chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        } else {
            chart.getStyler().setYAxisMin(0.0);
        }
        s.setMarkerSize(8);
        line(chart, "training", epochs, training, ReportCharts.BAR, SeriesMarkers.CIRCLE);
        line(chart, "held-out", epochs, heldOut, ReportCharts.SECOND, SeriesMarkers.DIAMOND);
        if (kept != null) {
            s.setAnnotationLineColor(KEPT);
            s.setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            s.setAnnotationTextFontColor(KEPT);
            s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            chart.addAnnotation(new AnnotationLine(kept.epoch(), true, false));
            // the label sits low on the line, where the curves rarely are late in training (accuracy near its top, loss low)
            double top = accuracy ? 1.0 : epochs.stream().flatMap(e -> java.util.stream.Stream.of(training.apply(e),
                    heldOut.apply(e))).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max()
                    .orElse(1.0);
            chart.addAnnotation(new AnnotationText("kept: epoch " + kept.epoch(), kept.epoch(),
                    accuracy ? 0.08 : top * 0.5, false));
        }
        return ReportCharts.png(chart);
    }

    private static void line(XYChart chart, String name, List<EpochStats> epochs, Function<EpochStats, Double> value,
                             Color color, org.knowm.xchart.style.markers.Marker marker) {
        List<EpochStats> with = epochs.stream().filter(e -> value.apply(e) != null).toList();
        if (with.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, with.stream().mapToDouble(EpochStats::epoch).toArray(),
                with.stream().mapToDouble(e -> value.apply(e)).toArray());
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(marker);
        series.setLineWidth(2.5f);
    }
}
