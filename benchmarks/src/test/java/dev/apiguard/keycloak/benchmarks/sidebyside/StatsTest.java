package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsTest {

    @ParameterizedTest
    @CsvSource({"50, 50", "99, 99", "100, 100", "1, 1", "99.5, 100", "0.5, 1"})
    void percentileWhenOneToHundredThenNearestRank(double p, long expected) {
        long[] values = LongStream.rangeClosed(1, 100).map(v -> 101 - v).toArray();

        assertThat(Stats.percentile(values, p)).isEqualTo(expected);
    }

    @Test
    void percentileWhenUnsortedThenInputUnchanged() {
        long[] values = {5, 1, 3};

        assertThat(Stats.percentile(values, 50)).isEqualTo(3);
        assertThat(values).containsExactly(5, 1, 3);
    }

    @Test
    void percentileWhenSingleValueThenThatValue() {
        assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void percentileWhenEmptyOrOutOfRangeThenRefusedNamingTheValue() {
        assertThatThrownBy(() -> Stats.percentile(new long[0], 50)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 0)).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 101)).hasMessageContaining("(0, 100]");
    }

    @Test
    void medianWhenOddOrEvenCountThenMiddleOrMeanOfMiddles() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void relativeDifferenceIsRelativeToTheLarger() {
        assertThat(Stats.relativeDifference(100, 95)).isEqualTo(0.05);
        assertThat(Stats.relativeDifference(95, 100)).isEqualTo(0.05);
        assertThat(Stats.relativeDifference(0, 0)).isZero();
    }
}
