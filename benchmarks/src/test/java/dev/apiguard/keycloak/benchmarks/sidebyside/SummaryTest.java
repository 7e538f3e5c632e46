package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    static final List<String> TARGETS = List.of(SideBySide.STOCK_RS, SideBySide.STOCK_ES, SideBySide.APIGUARD);

    /** requests/s = requests / 10 s; CPU per request = cpu / requests. */
    static RoundResult result(String target, Grant grant, int round, long requests, double cpuMillis) {
        return new RoundResult(target, grant, round, requests, 0, 10.0, 1.0, 5.0, cpuMillis, Instant.EPOCH);
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

    @Test
    void ratiosWhenVariantsThenEachComparisonPairedWithItsGoalPerGrant() {
        String nolimit = Variant.NOLIMIT.target();
        String stream = Variant.STREAM.target();
        String none = Variant.NOAUDIT.target();
        String jpa = Variant.JPAEVENTS.target();
        List<RoundResult> rounds = List.of(
                // Round 1: limiter 980/1000 = 0.98; stream/none 900/1000 = 0.9; stream/jpa 900/800 = 1.125.
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 1, 9_800, 9_800),
                result(nolimit, Grant.CLIENT_CREDENTIALS, 1, 10_000, 10_000),
                result(stream, Grant.CLIENT_CREDENTIALS, 1, 9_000, 9_000),
                result(none, Grant.CLIENT_CREDENTIALS, 1, 10_000, 9_000),
                result(jpa, Grant.CLIENT_CREDENTIALS, 1, 8_000, 8_000),
                // Round 2: limiter 0.96; stream/none 0.95; stream/jpa 0.95.
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 2, 9_600, 9_600),
                result(nolimit, Grant.CLIENT_CREDENTIALS, 2, 10_000, 10_000),
                result(stream, Grant.CLIENT_CREDENTIALS, 2, 9_500, 9_500),
                result(none, Grant.CLIENT_CREDENTIALS, 2, 10_000, 10_000),
                result(jpa, Grant.CLIENT_CREDENTIALS, 2, 10_000, 10_000),
                // Round 3: limiter 1.0; stream/none 0.94; stream/jpa 1.175 (login: one round only).
                result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, 3, 10_000, 10_000),
                result(nolimit, Grant.CLIENT_CREDENTIALS, 3, 10_000, 10_000),
                result(stream, Grant.CLIENT_CREDENTIALS, 3, 9_400, 9_400),
                result(none, Grant.CLIENT_CREDENTIALS, 3, 10_000, 10_000),
                result(jpa, Grant.CLIENT_CREDENTIALS, 3, 8_000, 8_000),
                result(stream, Grant.LOGIN, 1, 90, 9_000),
                result(none, Grant.LOGIN, 1, 100, 9_000));
        List<String> targets = List.of(SideBySide.APIGUARD, nolimit, stream, none, jpa);

        Summary summary = Summary.of(rounds, targets, SideBySide.comparisons(List.of("limiter", "audit")));

        assertThat(summary.ratios())
                .extracting(r -> r.grant() + " " + r.comparison().label())
                .containsExactly(
                        "client-credentials apiguard / apiguard-nolimit",
                        "client-credentials apiguard-stream / apiguard-noaudit",
                        "client-credentials apiguard-stream / apiguard-jpaevents",
                        "login apiguard-stream / apiguard-noaudit");
        Summary.Ratio limiter = summary.ratios().get(0);
        assertThat(limiter.throughput()).isCloseTo(0.98, within(1e-9));
        assertThat(limiter.meetsGoal()).contains(true);
        Summary.Ratio streamOverNone = summary.ratios().get(1);
        assertThat(streamOverNone.throughput()).isCloseTo(0.94, within(1e-9));
        // CPU per request: 1.0 / 0.9, 1.0 / 1.0, 1.0 / 1.0.
        assertThat(streamOverNone.cpu()).isCloseTo(1.0, within(1e-9));
        assertThat(streamOverNone.meetsGoal()).contains(true);
        Summary.Ratio streamOverJpa = summary.ratios().get(2);
        assertThat(streamOverJpa.throughput()).isCloseTo(1.125, within(1e-9));
        assertThat(streamOverJpa.meetsGoal()).contains(true);
        Summary.Ratio login = summary.ratios().get(3);
        assertThat(login.throughput()).isCloseTo(0.9, within(1e-9));
        assertThat(login.meetsGoal()).contains(false);
        // Three rounds (one for login) give no 95% interval: the goals stay unsettled, whatever the medians say.
        assertThat(summary.ratios()).allSatisfy(r -> {
            assertThat(r.interval()).isEmpty();
            assertThat(r.verdict()).contains(Summary.Verdict.UNSETTLED);
        });
        assertThat(limiter.pairs()).isEqualTo(3);
        assertThat(login.pairs()).isEqualTo(1);
        assertThat(summary.table())
                .contains("apiguard-stream / apiguard-noaudit")
                .contains("(< 6 rounds)")
                .contains("goal >= 0.92x unsettled")
                .contains("issue 16")
                .contains("run more rounds");
    }

    /** Ten rounds of the limiter pair: API Guard's requests per round over the baseline's 10,000. */
    private static Summary limiterRounds(long... apiguardRequests) {
        List<RoundResult> rounds = new ArrayList<>();
        for (int i = 0; i < apiguardRequests.length; i++) {
            rounds.add(result(SideBySide.APIGUARD, Grant.CLIENT_CREDENTIALS, i + 1, apiguardRequests[i], 10_000));
            rounds.add(result(Variant.NOLIMIT.target(), Grant.CLIENT_CREDENTIALS, i + 1, 10_000, 10_000));
        }
        return Summary.of(
                rounds,
                List.of(SideBySide.APIGUARD, Variant.NOLIMIT.target()),
                SideBySide.comparisons(List.of("limiter")));
    }

    @Test
    void verdictWhenTheWholeIntervalIsAtOrAboveTheGoalThenMet() {
        // Ratios 0.96 .. 1.05; ten rounds: the interval is the 2nd smallest to the 2nd largest, 0.97 to 1.04.
        Summary.Ratio ratio = limiterRounds(9_600, 9_700, 9_800, 9_900, 10_000, 10_100, 10_200, 10_300, 10_400, 10_500)
                .ratios()
                .get(0);

        assertThat(ratio.pairs()).isEqualTo(10);
        assertThat(ratio.interval()).hasValueSatisfying(i -> {
            assertThat(i.low()).isCloseTo(0.97, within(1e-9));
            assertThat(i.high()).isCloseTo(1.04, within(1e-9));
        });
        assertThat(ratio.verdict()).contains(Summary.Verdict.MET);
    }

    @Test
    void verdictWhenTheWholeIntervalIsBelowTheGoalThenNotMet() {
        // Ratios 0.88 .. 0.97: the interval 0.89 to 0.96 lies below 0.97, though one round reached it.
        Summary summary = limiterRounds(8_800, 8_900, 9_000, 9_100, 9_200, 9_300, 9_400, 9_500, 9_600, 9_700);
        Summary.Ratio ratio = summary.ratios().get(0);

        assertThat(ratio.verdict()).contains(Summary.Verdict.NOT_MET);
        assertThat(summary.table()).contains("0.89x-0.96x").contains("goal >= 0.97x NOT met");
    }

    @Test
    void verdictWhenTheIntervalHoldsTheGoalThenUnsettledEvenThoughTheMedianMeetsIt() {
        // Ratios 0.90 .. 1.08 in steps of 0.02: median 0.99 meets 0.97, but the interval 0.92 to 1.06 holds it.
        Summary.Ratio ratio = limiterRounds(9_000, 9_200, 9_400, 9_600, 9_800, 10_000, 10_200, 10_400, 10_600, 10_800)
                .ratios()
                .get(0);

        assertThat(ratio.meetsGoal()).contains(true);
        assertThat(ratio.verdict()).contains(Summary.Verdict.UNSETTLED);
    }

    @Test
    void ratiosWhenTargetsRanTogetherThenThroughputPairedAndCpuNotMeasured() {
        // --pairing together: one server's CPU is not split between its realms (NaN per round).
        List<RoundResult> rounds = new ArrayList<>();
        for (int round = 1; round <= 6; round++) {
            rounds.add(result(SideBySide.APIGUARD, Grant.REFRESH, round, 9_000 + 100 * round, Double.NaN));
            rounds.add(result(Variant.NOLIMIT.target(), Grant.REFRESH, round, 10_000, Double.NaN));
        }

        Summary summary = Summary.of(
                rounds,
                List.of(SideBySide.APIGUARD, Variant.NOLIMIT.target()),
                SideBySide.comparisons(List.of("limiter")));

        Summary.Ratio ratio = summary.ratios().get(0);
        assertThat(ratio.pairs()).isEqualTo(6);
        assertThat(ratio.throughput()).isCloseTo(0.935, within(1e-9));
        assertThat(ratio.cpu()).isNaN();
        assertThat(ratio.interval())
                .hasValueSatisfying(i -> assertThat(i.high()).isCloseTo(0.96, within(1e-9)));
        assertThat(ratio.verdict()).contains(Summary.Verdict.NOT_MET);
        assertThat(summary.figures().get(Grant.REFRESH).get(SideBySide.APIGUARD).cpuMillisPerRequest())
                .isNaN();
        assertThat(summary.table()).doesNotContain("NaN").contains("-");
    }

    @Test
    void ratiosWhenNoVariantsThenOnlyApiGuardOverStockWithoutGoals() {
        Summary summary = Summary.of(threeRounds(), TARGETS, SideBySide.comparisons(List.of()));

        assertThat(summary.ratios())
                .extracting(r -> r.comparison().label())
                .containsExactly("apiguard / stock-ES256", "apiguard / stock-RS256");
        assertThat(summary.ratios()).allMatch(r -> r.meetsGoal().isEmpty());
        assertThat(summary.ratios()).allMatch(r -> r.verdict().isEmpty());
        assertThat(summary.table()).doesNotContain("goal");
    }
}
