package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
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

    private static List<Double> oneTo(int n) {
        // Shuffled, so that the interval is seen to sort.
        List<Double> values = new ArrayList<>(
                IntStream.rangeClosed(1, n).mapToObj(i -> (double) i).toList());
        Collections.shuffle(values, new Random(n));
        return values;
    }

    @Test
    void medianIntervalWhenFewerThanSixValuesThenNone() {
        assertThat(Stats.medianInterval(List.of())).isEmpty();
        assertThat(Stats.medianInterval(oneTo(1))).isEmpty();
        assertThat(Stats.medianInterval(oneTo(5))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        // n, k (the interval is the k-th smallest to the k-th largest), coverage
        "6, 1, 0.96875",
        "9, 2, 0.9609375",
        "10, 2, 0.978515625",
        "20, 6, 0.9586105346679688"
    })
    void medianIntervalWhenSixOrMoreValuesThenOrderStatisticsOfTheTable(int n, int k, double coverage) {
        Stats.Interval interval = Stats.medianInterval(oneTo(n)).orElseThrow();

        assertThat(interval.low()).isEqualTo(k);
        assertThat(interval.high()).isEqualTo(n + 1 - k);
        assertThat(interval.coverage()).isCloseTo(coverage, within(1e-12));
    }

    @Test
    void medianIntervalIsTheNarrowestWithAtLeastNinetyFivePercentByExactBinomialSums() {
        for (int n = 6; n <= 400; n++) {
            // Exact: miss(k) = 2 * sum_{i<k} C(n, i) / 2^n; the largest k with miss(k) <= 5%.
            BigInteger all = BigInteger.TWO.pow(n);
            BigInteger sum = BigInteger.ZERO;
            BigInteger choose = BigInteger.ONE;
            int expected = 0;
            for (int k = 1; 2 * k <= n; k++) {
                sum = sum.add(choose);
                // miss <= 0.05 <=> 2 * sum * 100 <= 5 * 2^n
                if (sum.multiply(BigInteger.valueOf(200)).compareTo(all.multiply(BigInteger.valueOf(5))) > 0) {
                    break;
                }
                expected = k;
                choose = choose.multiply(BigInteger.valueOf(n - k + 1)).divide(BigInteger.valueOf(k));
            }

            Stats.Interval interval = Stats.medianInterval(oneTo(n)).orElseThrow();

            assertThat(interval.low()).as("n = %d", n).isEqualTo(expected);
            assertThat(interval.high()).as("n = %d", n).isEqualTo(n + 1 - expected);
        }
    }

    @Test
    void medianIntervalWhenManyValuesThenStillNarrowsAroundTheMiddle() {
        Stats.Interval interval = Stats.medianInterval(oneTo(5_000)).orElseThrow();

        // About 1.96 standard deviations (sqrt(5000) / 2 = 35.4) either side of the middle.
        assertThat(interval.low()).isBetween(2_425.0, 2_435.0);
        assertThat(interval.high()).isBetween(2_566.0, 2_576.0);
        assertThat(interval.coverage()).isBetween(0.95, 0.96);
    }

    @Test
    void medianIntervalCoversTheTrueMedianOfASkewedDistributionAtLeastNinetyFivePercentOfTheTime() {
        // Ratios drawn from a log-normal with median 0.95 and a long right tail; 10 rounds each.
        Random random = new Random(19);
        int trials = 20_000;
        int covered = 0;
        for (int trial = 0; trial < trials; trial++) {
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                ratios.add(0.95 * Math.exp(0.2 * random.nextGaussian()));
            }
            Stats.Interval interval = Stats.medianInterval(ratios).orElseThrow();
            if (interval.low() <= 0.95 && 0.95 <= interval.high()) {
                covered++;
            }
        }

        // Exactly 97.85% for 10 rounds; 20,000 trials put the count within about 0.3% of it.
        assertThat((double) covered / trials).isBetween(0.972, 0.985);
    }
}
