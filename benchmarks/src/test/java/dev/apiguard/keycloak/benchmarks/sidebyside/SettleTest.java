package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettleTest {

    @Test
    void settledWhenLastTwoWithinToleranceThenTrue() {
        assertThat(Settle.settled(List.of(300.0, 800.0, 1000.0, 1040.0), 0.05)).isTrue();
    }

    @Test
    void settledWhenLastTwoDifferByToleranceOrMoreThenFalse() {
        assertThat(Settle.settled(List.of(900.0, 1000.0), 0.05)).isFalse();
        assertThat(Settle.settled(List.of(950.0, 1000.0), 0.05)).isFalse();
        assertThat(Settle.settled(List.of(1000.0, 900.0), 0.05)).isFalse();
    }

    @Test
    void settledWhenOnlyEarlierRoundsAgreeThenFalse() {
        assertThat(Settle.settled(List.of(1000.0, 1001.0, 700.0), 0.05)).isFalse();
    }

    @Test
    void settledWhenFewerThanTwoRoundsOrNoThroughputThenFalse() {
        assertThat(Settle.settled(List.of(), 0.05)).isFalse();
        assertThat(Settle.settled(List.of(1000.0), 0.05)).isFalse();
        assertThat(Settle.settled(List.of(0.0, 0.0), 0.05)).isFalse();
    }

    @Test
    void allSettledWhenOneSeriesStillMovesThenFalse() {
        Map<String, List<Double>> series = Map.of(
                "stock-ES256 refresh", List.of(600.0, 610.0),
                "apiguard refresh", List.of(400.0, 550.0));

        assertThat(Settle.allSettled(series, 0.05)).isFalse();
        assertThat(Settle.allSettled(Map.of("stock-ES256 refresh", List.of(600.0, 610.0)), 0.05))
                .isTrue();
        assertThat(Settle.allSettled(Map.of(), 0.05)).isFalse();
    }
}
