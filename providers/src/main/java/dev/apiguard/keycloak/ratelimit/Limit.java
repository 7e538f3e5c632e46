package dev.apiguard.keycloak.ratelimit;

/**
 * A token bucket of {@code capacity} units refilled with {@code count} units per {@code periodSeconds},
 * decided with the generic cell rate algorithm (GCRA): one unit costs the emission interval
 * {@code T = period / count}; a bucket holds at most {@code capacity * T} of credit. State is one
 * number per key, the theoretical arrival time (TAT).
 *
 * @param capacity the burst: units a full bucket admits at once (1 to 10^9)
 * @param count units refilled per period (1 to 10^9)
 * @param periodSeconds the period of the refill rate: 1 (s), 60 (m), 3600 (h) or 86400 (d)
 */
record Limit(long capacity, long count, long periodSeconds) {

    static final long NANOS = 1_000_000_000L;

    Limit {
        if (capacity < 1 || count < 1 || periodSeconds < 1) {
            throw new IllegalArgumentException("capacity, count and period must be positive");
        }
    }

    /** Nanoseconds one unit takes to come back. At least 1. */
    long intervalNanos() {
        return Math.max(1, periodSeconds * NANOS / count);
    }

    /** The credit a full bucket holds, in nanoseconds. */
    long toleranceNanos() {
        return intervalNanos() * capacity;
    }

    /** Seconds a drained bucket takes to be full again, rounded up: the {@code w} of {@code RateLimit-Policy}. */
    long windowSeconds() {
        return ceilSeconds(toleranceNanos());
    }

    BucketTable.Outcome take(BucketTable.Cell cell, long now, boolean force) {
        long interval = intervalNanos();
        long tolerance = toleranceNanos();
        long base = Math.max(cell.tat, now);
        long next = base + interval;
        if (next - now > tolerance && !force) {
            return new BucketTable.Outcome(
                    false, 0, ceilSeconds(base - now), Math.max(1, ceilSeconds(next - tolerance - now)));
        }
        cell.tat = next;
        long remaining = Math.max(0, (now + tolerance - next) / interval);
        return new BucketTable.Outcome(true, remaining, ceilSeconds(next - now), 0);
    }

    BucketTable.Outcome peek(long tat, long now) {
        long interval = intervalNanos();
        long tolerance = toleranceNanos();
        long base = Math.max(tat, now);
        long next = base + interval;
        if (next - now > tolerance) {
            return new BucketTable.Outcome(
                    false, 0, ceilSeconds(base - now), Math.max(1, ceilSeconds(next - tolerance - now)));
        }
        return new BucketTable.Outcome(
                true, Math.max(0, (now + tolerance - base) / interval), ceilSeconds(base - now), 0);
    }

    static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS - 1) / NANOS;
    }

    /** As written in the document: {@code "50/s"}. */
    String rate() {
        return count + "/"
                + switch ((int) periodSeconds) {
                    case 1 -> "s";
                    case 60 -> "m";
                    case 3600 -> "h";
                    default -> "d";
                };
    }
}
