package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    @Test
    void renderGivesWellFormedSvgWithOneBarPerTargetAndPanel() throws Exception {
        Summary summary = Summary.of(
                SummaryTest.threeRounds(), SummaryTest.TARGETS, SideBySide.APIGUARD, List.of(SideBySide.STOCK_ES));

        String svg = SvgChart.render(summary, "stock <vs> API Guard & co");

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document =
                factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        NodeList titles = document.getElementsByTagName("title");
        // 3 targets x 1 grant x 2 panels.
        assertThat(titles.getLength()).isEqualTo(6);
        assertThat(titles.item(2).getTextContent()).isEqualTo("apiguard client-credentials: 1500");
        assertThat(titles.item(5).getTextContent()).isEqualTo("apiguard client-credentials: 5.0");
        assertThat(svg).contains("stock &lt;vs&gt; API Guard &amp; co").contains(">stock-ES256<");
    }

    @Test
    void renderWhenTallerBarThenLargerValue() {
        Summary summary = Summary.of(SummaryTest.threeRounds(), SummaryTest.TARGETS, SideBySide.APIGUARD, List.of());

        String svg = SvgChart.render(summary, "t");

        // stock-RS256 (900 req/s) is drawn lower than stock-ES256 (1800 req/s), scaled to the panel.
        assertThat(svg)
                .contains("height=\"140.0\" fill=\"#8c8c8c\"><title>stock-RS256 client-credentials: 900")
                .contains("height=\"280.0\" fill=\"#4a7fb5\"><title>stock-ES256 client-credentials: 1800");
    }

    @Test
    void renderWhenManyTargetsAndGrantsThenPanelsStackedWideEnoughWithVerticalLabels() throws Exception {
        List<String> targets = new ArrayList<>(SummaryTest.TARGETS);
        Variant.of(List.of("limiter", "audit")).forEach(v -> targets.add(v.target()));
        List<RoundResult> rounds = new ArrayList<>();
        for (Grant grant : Grant.values()) {
            for (String target : targets) {
                rounds.add(SummaryTest.result(target, grant, 1, 1_000, 1_000));
            }
        }
        Summary summary = Summary.of(rounds, targets, SideBySide.comparisons(List.of("limiter", "audit")));

        String svg = SvgChart.render(summary, "t");

        Document document = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        // 7 targets x 4 grants x 2 panels, every bar at least 22 px wide (24 less the 2 px gap).
        NodeList bars = document.getElementsByTagName("title");
        assertThat(bars.getLength()).isEqualTo(56);
        for (int i = 0; i < bars.getLength(); i++) {
            double width = Double.parseDouble(((Element) bars.item(i).getParentNode()).getAttribute("width"));
            assertThat(width).isGreaterThanOrEqualTo(22.0);
        }
        assertThat(svg).contains("rotate(-90").contains(">apiguard-jpaevents<");
        // Stacked: the width holds one panel of 28 bars (840 px) and the margins, not two panels.
        assertThat(document.getDocumentElement().getAttribute("width")).isEqualTo("940");
    }
}
