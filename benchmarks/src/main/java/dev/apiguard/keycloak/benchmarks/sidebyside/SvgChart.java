package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Draws the summary as an SVG: two panels, requests/s and p99 latency, each with one group of bars
 * per grant and one bar per target. Plain SVG 1.1, no script, no external resources.
 *
 * <p>With many targets and grants ({@code --variants}, {@code --grants}) a bar would get narrower
 * than {@value #MIN_BAR_WIDTH} px: the panels then grow wide enough for every bar, stand one above
 * the other instead of side by side, and the value labels turn vertical.
 */
public final class SvgChart {

    private static final String[] COLOURS = {
        "#8c8c8c", "#4a7fb5", "#d9822b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f"
    };
    private static final int PANEL_WIDTH = 520;
    private static final int MIN_BAR_WIDTH = 24;
    /** Room above the tallest bar for a vertical value label. */
    private static final int LABEL_ROOM = 40;

    private static final int PANEL_HEIGHT = 300;
    private static final int MARGIN = 50;

    private SvgChart() {}

    /** The chart of {@code summary}, titled {@code title}. */
    public static String render(Summary summary, String title) {
        Map<Grant, Map<String, Summary.Figures>> figures = summary.figures();
        List<String> targets = new ArrayList<>();
        figures.values()
                .forEach(perTarget -> perTarget.keySet().forEach(t -> {
                    if (!targets.contains(t)) {
                        targets.add(t);
                    }
                }));
        int groups = Math.max(1, figures.size());
        int bars = groups * Math.max(1, targets.size());
        boolean crowded = PANEL_WIDTH * 0.8 / bars < MIN_BAR_WIDTH;
        int panelWidth = crowded ? (int) Math.ceil(bars * MIN_BAR_WIDTH / 0.8) : PANEL_WIDTH;
        // Crowded: the two panels one above the other, each as wide as its bars need.
        int width = crowded ? panelWidth + 2 * MARGIN : 2 * PANEL_WIDTH + 3 * MARGIN;
        int panels = crowded ? 2 * (PANEL_HEIGHT + MARGIN) : PANEL_HEIGHT + MARGIN;
        int height = panels + 2 * MARGIN + 20 * targets.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width,
                height,
                width,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                MARGIN,
                escape(title)));
        panel(
                svg,
                figures,
                targets,
                new Frame(MARGIN, MARGIN, panelWidth, crowded),
                "requests/s (higher is better)",
                Summary.Figures::requestsPerSecond,
                "%.0f");
        panel(
                svg,
                figures,
                targets,
                crowded
                        ? new Frame(MARGIN, 2 * MARGIN + PANEL_HEIGHT, panelWidth, true)
                        : new Frame(2 * MARGIN + PANEL_WIDTH, MARGIN, PANEL_WIDTH, false),
                "p99 latency, ms (lower is better)",
                Summary.Figures::p99Millis,
                "%.1f");
        int legendY = panels + MARGIN + 10;
        for (int i = 0; i < targets.size(); i++) {
            int y = legendY + 20 * i;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    MARGIN,
                    y,
                    COLOURS[i % COLOURS.length]));
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", MARGIN + 18, y + 11, escape(targets.get(i))));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Where a panel goes; {@code vertical}: value labels written upwards (narrow bars). */
    private record Frame(int left, int top, int width, boolean vertical) {}

    private static void panel(
            StringBuilder svg,
            Map<Grant, Map<String, Summary.Figures>> figures,
            List<String> targets,
            Frame frame,
            String label,
            ToDoubleFunction<Summary.Figures> value,
            String valueFormat) {
        int left = frame.left();
        int top = frame.top();
        int panelWidth = frame.width();
        int bottom = top + PANEL_HEIGHT;
        double max = figures.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToDouble(value)
                .max()
                .orElse(0);
        double scale = max > 0 ? (PANEL_HEIGHT - (frame.vertical() ? LABEL_ROOM : 20)) / max : 0;
        svg.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", left, top - 8, escape(label)));
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left,
                bottom,
                left + panelWidth,
                bottom));
        int groups = Math.max(1, figures.size());
        double groupWidth = (double) panelWidth / groups;
        double barWidth = groupWidth * 0.8 / Math.max(1, targets.size());
        int g = 0;
        for (Map.Entry<Grant, Map<String, Summary.Figures>> entry : figures.entrySet()) {
            double groupLeft = left + g * groupWidth + groupWidth * 0.1;
            for (int t = 0; t < targets.size(); t++) {
                Summary.Figures f = entry.getValue().get(targets.get(t));
                if (f == null) {
                    continue;
                }
                double v = value.applyAsDouble(f);
                double h = v * scale;
                double x = groupLeft + t * barWidth;
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>%n",
                        x,
                        bottom - h,
                        barWidth - 2,
                        h,
                        COLOURS[t % COLOURS.length],
                        escape(targets.get(t)),
                        escape(entry.getKey().id()),
                        String.format(Locale.ROOT, valueFormat, v)));
                if (frame.vertical()) {
                    double cx = x + (barWidth - 2) / 2 + 3;
                    double cy = bottom - h - 3;
                    svg.append(String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
                            cx,
                            cy,
                            cx,
                            cy,
                            String.format(Locale.ROOT, valueFormat, v)));
                } else {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n",
                            x + (barWidth - 2) / 2,
                            bottom - h - 3,
                            String.format(Locale.ROOT, valueFormat, v)));
                }
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    left + g * groupWidth + groupWidth / 2,
                    bottom + 16,
                    escape(entry.getKey().id())));
            g++;
        }
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
