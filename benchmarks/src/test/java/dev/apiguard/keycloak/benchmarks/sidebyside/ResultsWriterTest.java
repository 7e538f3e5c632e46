package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsWriterTest {

    @Test
    void jsonHoldsContextRoundsMediansAndRatios() throws Exception {
        List<RoundResult> measured = SummaryTest.threeRounds();
        Summary summary = Summary.of(
                measured, SummaryTest.TARGETS, SideBySide.APIGUARD, List.of(SideBySide.STOCK_ES, SideBySide.STOCK_RS));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("keycloakVersion", "26.7.0");

        JsonNode json = new ObjectMapper()
                .readTree(ResultsWriter.json(context, measured.subList(0, 3), false, measured, summary));

        assertThat(json.get("keycloakVersion").asText()).isEqualTo("26.7.0");
        assertThat(json.get("warmup").get("settled").asBoolean()).isFalse();
        assertThat(json.get("warmup").get("rounds")).hasSize(3);
        assertThat(json.get("rounds")).hasSize(9);
        assertThat(json.get("rounds").get(0).get("requestsPerSecond").asDouble())
                .isEqualTo(800.0);
        assertThat(json.get("rounds").get(0).get("grant").asText()).isEqualTo("client-credentials");
        // When the round's load began, to match a profile's samples to it.
        assertThat(json.get("rounds").get(0).get("startedAt").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(json.get("medians")
                        .get("client-credentials")
                        .get("apiguard")
                        .get("requestsPerSecond")
                        .asDouble())
                .isEqualTo(1500.0);
        assertThat(json.get("ratios").get(0).get("ratio").asText()).isEqualTo("apiguard / stock-ES256");
        assertThat(json.get("ratios").get(0).get("throughput").asDouble()).isEqualTo(0.938);
    }

    @Test
    void jsonWhenComparisonHasGoalThenQuestionGoalAndVerdictWritten() throws Exception {
        List<RoundResult> measured = List.of(
                SummaryTest.result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 1, 9_600, 9_600),
                SummaryTest.result(Variant.NOLIMIT.target(), Grant.CLIENT_CREDENTIALS, 1, 10_000, 10_000));
        Summary summary = Summary.of(
                measured,
                List.of(SideBySide.APIGUARD, Variant.NOLIMIT.target()),
                SideBySide.comparisons(List.of("limiter")));

        JsonNode ratio = new ObjectMapper()
                .readTree(ResultsWriter.json(new LinkedHashMap<>(), List.of(), true, measured, summary))
                .get("ratios")
                .get(0);

        assertThat(ratio.get("ratio").asText()).isEqualTo("apiguard / apiguard-nolimit");
        assertThat(ratio.get("throughput").asDouble()).isEqualTo(0.96);
        assertThat(ratio.get("question").asText()).startsWith("rate limiter on / off");
        assertThat(ratio.get("goal").asDouble()).isEqualTo(0.97);
        assertThat(ratio.get("meetsGoal").asBoolean()).isFalse();
    }

    @Test
    void writeAtomicallyReplacesAndLeavesNoPartialFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/results.json");

        ResultsWriter.writeAtomically(file, "first");
        ResultsWriter.writeAtomically(file, "second");

        assertThat(file).hasContent("second");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }
}
