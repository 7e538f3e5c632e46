package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    static final List<String> TARGETS = List.of(SideBySide.STOCK_RS, SideBySide.STOCK_ES, SideBySide.APIGUARD);

    /** requests/s = requests / 10 s; CPU per request = cpu / requests. */
    static RoundResult result(String target, Grant grant, int round, long requests, double cpuMillis) {
        return new RoundResult(target, grant, round, requests, 0, 10.0, 1.0, 5.0, cpuMillis);
    }

    static List<RoundResult> threeRounds() {
        return List.of(
                result(SideBySide.STOCK_RS, Grant.CLIENT_CREDENTIALS, 1, 8_000, 16_000),
                result(SideBySide.STOCK_ES, Grant.CLIENT_CREDENTIALS, 1, 16_000, 16_000),
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 1, 15_000, 18_000),
                result(SideBySide.STOCK_RS, Grant.CLIENT_CREDENTIALS, 2, 10_000, 20_000),
                result(SideBySide.STOCK_ES, Grant.CLIENT_CREDENTIALS, 2, 20_000, 20_000),
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 2, 20_000, 20_000),
                result(SideBySide.STOCK_RS, Grant.CLIENT_CREDENTIALS, 3, 9_000, 18_000),
                result(SideBySide.STOCK_ES, Grant.CLIENT_CREDENTIALS, 3, 18_000, 18_000),
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 3, 9_000, 18_000));
    }

    @Test
    void figuresAreMediansPerTarget() {
        Summary summary = Summary.of(
                threeRounds(), TARGETS, SideBySide.APIGUARD, List.of(SideBySide.STOCK_ES, SideBySide.STOCK_RS));

        Summary.Figures apiguard =
                summary.figures().get(Grant.CLIENT_CREDENTIALS).get(SideBySide.APIGUARD);
        assertThat(apiguard.requestsPerSecond()).isEqualTo(1_500.0);
        assertThat(apiguard.cpuMillisPerRequest()).isEqualTo(1.2);
        assertThat(apiguard.rounds()).isEqualTo(3);
        assertThat(summary.figures()).containsOnlyKeys(Grant.CLIENT_CREDENTIALS);
    }

    @Test
    void ratiosAreMediansOfPairedRounds() {
        Summary summary = Summary.of(
                threeRounds(), TARGETS, SideBySide.APIGUARD, List.of(SideBySide.STOCK_ES, SideBySide.STOCK_RS));

        // Over ES256: rounds give 0.9375, 1.0 and 0.5: the median is 0.9375 (not 1500/1800 of the medians).
        Summary.Ratio overEs = summary.ratios().get(0);
        assertThat(overEs.over()).isEqualTo(SideBySide.STOCK_ES);
        assertThat(overEs.throughput()).isCloseTo(0.9375, within(1e-9));
        // CPU per request: 1.2/1.0, 1.0/1.0, 2.0/1.0.
        assertThat(overEs.cpu()).isCloseTo(1.2, within(1e-9));
        Summary.Ratio overRs = summary.ratios().get(1);
        assertThat(overRs.over()).isEqualTo(SideBySide.STOCK_RS);
        assertThat(overRs.throughput()).isCloseTo(1.875, within(1e-9));
    }

    @Test
    void ratioWhenBaselineServedNothingThenLeftOut() {
        List<RoundResult> rounds = List.of(
                result(SideBySide.STOCK_ES, Grant.REFRESH, 1, 0, 0),
                result(SideBySide.APIGUARD, Grant.REFRESH, 1, 100, 100));

        Summary summary = Summary.of(rounds, TARGETS, SideBySide.APIGUARD, List.of(SideBySide.STOCK_ES));

        assertThat(summary.ratios()).isEmpty();
        assertThat(summary.table()).contains("refresh").contains("apiguard");
    }
}
