package io.weft.it.nemesis;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The timeline picture: one point per allocation (x = when it was invoked, y = its latency on a
 * log scale; ok green, failed orange, unknown red at the client timeout), faults as shaded bands
 * labelled with their kind and hosts.
 */
final class Timeline {
  private Timeline() {
  }

  static void write(Path png, long seed, List<Op> history, List<Fault> faults)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Op.Outcome outcome : Op.Outcome.values()) {
      XYSeries series = new XYSeries("allocate " + outcome.name().toLowerCase(), false, true);
      history.stream().filter(o -> o.kind() == Op.Kind.ALLOCATE && o.outcome() == outcome)
          .forEach(o -> series.add(o.invokedSeconds(), Math.max(0.1, o.latencyMs())));
      data.addSeries(series);
    }
    NumberAxis time = new NumberAxis("seconds since start");
    LogAxis latency = new LogAxis("allocation latency (ms)");
    latency.setSmallestValue(0.1);
    latency.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
    latency.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    dots.setSeriesPaint(0, new Color(0, 140, 0));
    dots.setSeriesPaint(1, new Color(230, 130, 0));
    dots.setSeriesPaint(2, Color.RED);
    for (int i = 0; i < 3; i++) {
      dots.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
    }
    XYPlot plot = new XYPlot(data, time, latency, dots);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    int n = 0;
    for (Fault f : faults) {
      IntervalMarker band = new IntervalMarker(f.start() / 1e9, f.end() / 1e9,
          color(f.kind()));
      band.setAlpha(0.25f);
      band.setLabel(f.kind().name().toLowerCase().replace("partition_", "cut ") + " "
          + f.hosts());
      band.setLabelAnchor((n++ % 2 == 0) ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_LEFT);
      band.setLabelTextAnchor((n % 2 == 1) ? TextAnchor.TOP_LEFT : TextAnchor.BOTTOM_LEFT);
      band.setLabelFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 9));
      plot.addDomainMarker(band, Layer.BACKGROUND);
    }
    JFreeChart chart = new JFreeChart("weft nemesis, seed " + seed, JFreeChart.DEFAULT_TITLE_FONT,
        plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1400, 600);
  }

  private static Color color(Fault.Kind kind) {
    return switch (kind) {
      case KILL -> new Color(200, 0, 0);
      case PAUSE -> new Color(150, 0, 200);
      case LOSE_DISK -> new Color(90, 60, 30);
      case DISK_FULL -> new Color(0, 150, 150);
      default -> new Color(0, 90, 220);
    };
  }
}
