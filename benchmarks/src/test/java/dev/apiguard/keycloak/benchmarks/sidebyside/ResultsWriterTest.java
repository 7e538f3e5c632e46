package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The JSON of {@code measured}, API Guard's realm and the limiter-off copy, with the limiter's ratio. */
    private static JsonNode limiterJson(List<RoundResult> measured) throws Exception {
        Summary summary = Summary.of(
                measured,
                List.of(SideBySide.APIGUARD, Variant.NOLIMIT.target()),
                SideBySide.comparisons(List.of("limiter")));
        return new ObjectMapper()
                .readTree(ResultsWriter.json(new LinkedHashMap<>(), List.of(), true, measured, summary));
    }

    @Test
    void jsonWhenComparisonHasGoalThenQuestionGoalAndVerdictWritten() throws Exception {
        List<RoundResult> measured = List.of(
                SummaryTest.result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 1, 9_600, 9_600),
                SummaryTest.result(Variant.NOLIMIT.target(), Grant.CLIENT_CREDENTIALS, 1, 10_000, 10_000));
        JsonNode ratio = limiterJson(measured).get("ratios").get(0);

        assertThat(ratio.get("ratio").asText()).isEqualTo("apiguard / apiguard-nolimit");
        assertThat(ratio.get("throughput").asDouble()).isEqualTo(0.96);
        assertThat(ratio.get("question").asText()).startsWith("rate limiter on / off");
        assertThat(ratio.get("goal").asDouble()).isEqualTo(0.97);
        assertThat(ratio.get("meetsGoal").asBoolean()).isFalse();
        // One paired round: no interval, so the goal is unsettled.
        assertThat(ratio.get("pairedRounds").asInt()).isEqualTo(1);
        assertThat(ratio.has("throughputInterval")).isFalse();
        assertThat(ratio.get("verdict").asText()).isEqualTo("unsettled");
    }

    @Test
    void jsonWhenSixPairedRoundsThenIntervalAndSettledVerdictWritten() throws Exception {
        List<RoundResult> measured = new ArrayList<>();
        long[] apiguard = {9_000, 9_100, 9_200, 9_300, 9_400, 9_500};
        for (int i = 0; i < apiguard.length; i++) {
            measured.add(SummaryTest.result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, i + 1, apiguard[i], 9_000));
            measured.add(SummaryTest.result(Variant.NOLIMIT.target(), Grant.CLIENT_CREDENTIALS, i + 1, 10_000, 10_000));
        }
        JsonNode ratio = limiterJson(measured).get("ratios").get(0);

        // Six rounds: the smallest and the largest ratio, 96.875% coverage; all of it below 0.97.
        assertThat(ratio.get("pairedRounds").asInt()).isEqualTo(6);
        assertThat(ratio.get("throughputInterval").get("low").asDouble()).isEqualTo(0.9);
        assertThat(ratio.get("throughputInterval").get("high").asDouble()).isEqualTo(0.95);
        assertThat(ratio.get("throughputInterval").get("coverage").asDouble()).isEqualTo(0.9688);
        assertThat(ratio.get("verdict").asText()).isEqualTo("NOT met");
        // The CPU-per-request ratios get their interval too: 9,000 ms over 9,000 to 9,500 requests, over 1 ms each.
        assertThat(ratio.get("cpuInterval").get("low").asDouble()).isEqualTo(0.947);
        assertThat(ratio.get("cpuInterval").get("high").asDouble()).isEqualTo(1.0);
    }

    @Test
    void jsonWhenCpuNotMeasuredThenNullNotZero() throws Exception {
        List<RoundResult> measured = List.of(
                SummaryTest.result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 1, 9_000, Double.NaN),
                SummaryTest.result(Variant.NOLIMIT.target(), Grant.CLIENT_CREDENTIALS, 1, 10_000, Double.NaN));
        JsonNode json = limiterJson(measured);

        assertThat(json.get("rounds").get(0).get("cpuMillis").isNull()).isTrue();
        assertThat(json.get("rounds").get(0).get("cpuMillisPerRequest").isNull())
                .isTrue();
        assertThat(json.get("medians")
                        .get("client-credentials")
                        .get("apiguard")
                        .get("cpuMillisPerRequest")
                        .isNull())
                .isTrue();
        assertThat(json.get("ratios").get(0).get("cpuPerRequest").isNull()).isTrue();
        assertThat(json.get("ratios").get(0).has("cpuInterval")).isFalse();
        assertThat(json.get("ratios").get(0).get("throughput").asDouble()).isEqualTo(0.9);
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
