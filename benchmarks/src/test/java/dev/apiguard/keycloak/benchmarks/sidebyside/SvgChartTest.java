package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
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
}
