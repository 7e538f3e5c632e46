package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.List;
import java.util.Map;

/**
 * Decides when the warm-up may end: the JIT has settled when, for every series (one per server and
 * grant), the last two warm-up rounds' requests/s differ by less than the tolerance.
 */
public final class Settle {

    private Settle() {}

    /** True when the last two values differ by less than {@code tolerance} (relative to the larger). */
    public static boolean settled(List<Double> series, double tolerance) {
        if (series.size() < 2) {
            return false;
        }
        double last = series.get(series.size() - 1);
        double previous = series.get(series.size() - 2);
        if (last <= 0 || previous <= 0) {
            return false;
        }
        return Stats.relativeDifference(last, previous) < tolerance;
    }

    /** True when every series has settled (and there is at least one). */
    public static boolean allSettled(Map<String, List<Double>> seriesByName, double tolerance) {
        return !seriesByName.isEmpty() && seriesByName.values().stream().allMatch(series -> settled(series, tolerance));
    }
}
