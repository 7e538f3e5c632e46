package dev.apiguard.keycloak.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apiguard.keycloak.abac.Decision;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every layout of {@link ScopeDecisionBenchmark} builds a valid document that decides as the benchmark claims. */
class ScopeDecisionBenchmarkTest {

    @ParameterizedTest(name = "{0} policies, {1}")
    @CsvSource({
        "1, same", "10, same", "100, same",
        "1, unindexed", "10, unindexed", "100, unindexed",
        "1, interpreted", "10, interpreted", "100, interpreted",
        "1, spread", "10, spread", "100, spread"
    })
    void decideWhenEveryConditionButTheLastIsFalseThenTheLastPolicyPermits(int policies, String layout)
            throws Exception {
        for (int denyEvery : new int[] {4, 1}) {
            ScopeDecisionBenchmark benchmark = new ScopeDecisionBenchmark();
            benchmark.policies = policies;
            benchmark.layout = layout;
            benchmark.denyEvery = denyEvery;
            benchmark.compile();

            Map<String, Decision> decisions = benchmark.decide();

            // With every condition but the last in a deny policy (denyEvery 1), the permit proves each of
            // them evaluated to false: a deny condition that holds or fails to evaluate denies.
            Decision decision = decisions.get("orders:write");
            assertThat(decision.outcome()).as("denyEvery %d", denyEvery).isEqualTo(Decision.Outcome.PERMIT);
            assertThat(decision.policy()).isEqualTo("p" + (policies - 1));
            assertThat(decisions).hasSize(layout.equals("spread") && policies >= 3 ? 3 : 1);
        }
    }

    @Test
    void compileWhenTheLayoutIsUnknownThenRefused() {
        ScopeDecisionBenchmark benchmark = new ScopeDecisionBenchmark();
        benchmark.policies = 10;
        benchmark.layout = "sideways";

        assertThatThrownBy(benchmark::compile).hasMessageContaining("unknown layout: sideways");
    }
}
