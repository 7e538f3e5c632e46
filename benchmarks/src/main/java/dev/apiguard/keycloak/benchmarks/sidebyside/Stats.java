package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.Arrays;
import java.util.List;

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

    /** {@code |a - b| / max(a, b)}: 0 when equal, 0.05 when the smaller is 5% below the larger. */
    public static double relativeDifference(double a, double b) {
        double larger = Math.max(Math.abs(a), Math.abs(b));
        return larger == 0 ? 0 : Math.abs(a - b) / larger;
    }
}
