package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Small statistics over measured values; no state. */
public final class Stats {

    private Stats() {}

    /**
     * The nearest-rank percentile {@code p} (0 &lt; p &lt;= 100) of {@code values}: the smallest value
     * with at least p% of the values at or below it. {@code values} need not be sorted and is not changed.
     */
    public static long percentile(long[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values: a percentile needs at least one");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The median of {@code values} (the mean of the two middle ones for an even count). */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values: a median needs at least one");
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /** The confidence {@link #medianInterval} asks for. */
    public static final double CONFIDENCE = 0.95;

    /**
     * Where the median of the population the values were drawn from lies: from {@code low} to
     * {@code high}, with probability {@code coverage}.
     */
    public record Interval(double low, double high, double coverage) {}

    /**
     * A distribution-free interval for the median of the values' population: the k-th smallest and
     * the k-th largest value, k the largest index whose interval still covers the median with at least
     * {@link #CONFIDENCE}. Each value is taken as one independent draw, above or below the median
     * with probability one half, so the interval misses the median with probability
     * {@code 2 * P(Binomial(n, 1/2) < k)}; no assumption about the values' distribution is made.
     *
     * @return empty for fewer than 6 values: even the smallest and the largest value then cover the
     *     median with less than 95% (5 values: 93.75%)
     */
    public static Optional<Interval> medianInterval(List<Double> values) {
        int n = values.size();
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        // below = P(Binomial(n, 1/2) < next); each term P(X = i) is kept as a logarithm, so that
        // many values do not underflow it to zero for good.
        double logTerm = -n * Math.log(2);
        double below = Math.exp(logTerm);
        int k = 0;
        double coverage = 0;
        for (int next = 1; 2 * next <= n && 1 - 2 * below >= CONFIDENCE; next++) {
            k = next;
            coverage = 1 - 2 * below;
            logTerm += Math.log(n - next + 1) - Math.log(next);
            below += Math.exp(logTerm);
        }
        if (k == 0) {
            return Optional.empty();
        }
        return Optional.of(new Interval(sorted[k - 1], sorted[n - k], coverage));
    }

    /** {@code |a - b| / max(a, b)}: 0 when equal, 0.05 when the smaller is 5% below the larger. */
    public static double relativeDifference(double a, double b) {
        double larger = Math.max(Math.abs(a), Math.abs(b));
        return larger == 0 ? 0 : Math.abs(a - b) / larger;
    }
}
