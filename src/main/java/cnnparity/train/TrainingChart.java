package cnnparity.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The PNG chart of a training run: loss (top) and accuracy (bottom) per epoch, train and validation. */
public final class TrainingChart {
    private TrainingChart() {
    }

    public static void write(History h, Path file, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("epoch"));
        plot.add(panel(h, "loss", "val_loss", "loss"), 1);
        plot.add(panel(h, "accuracy", "val_accuracy", "accuracy"), 1);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, 800, 600);
        AtomicFiles.write(file, png.toByteArray());
    }

    private static XYPlot panel(History h, String train, String val, String label) {
        XYSeriesCollection data = new XYSeriesCollection();
        add(data, h, train, train);
        add(data, h, val, val);
        JFreeChart c = ChartFactory.createXYLineChart(null, "epoch", label, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(31, 119, 180));
        r.setSeriesPaint(1, new Color(255, 127, 14));
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        p.setRenderer(r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ((NumberAxis) p.getRangeAxis()).setAutoRangeIncludesZero(false);
        return p;
    }

    private static void add(XYSeriesCollection data, History h, String key, String name) {
        List<Double> s = h.series(key);
        if (s.stream().allMatch(v -> v.isNaN())) return;
        XYSeries series = new XYSeries(name);
        for (int i = 0; i < s.size(); i++) if (!s.get(i).isNaN()) series.add(i + 1, s.get(i));
        data.addSeries(series);
    }
}
