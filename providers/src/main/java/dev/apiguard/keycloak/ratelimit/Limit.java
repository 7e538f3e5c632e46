package dev.apiguard.keycloak.ratelimit;

import java.util.Objects;

/**
 * A token bucket of {@code capacity} units refilled with {@code count} units per {@code periodSeconds},
 * decided with the generic cell rate algorithm (GCRA): one unit costs the emission interval
 * {@code T = period / count}; a bucket holds at most {@code capacity * T} of credit. State is one
 * number per key, the theoretical arrival time (TAT).
 *
 * <p>Immutable; everything a decision needs that depends on the limit alone (the interval, the
 * tolerance, the window, the lease size of shared buckets, the {@code RateLimit-Policy}
 * parameters) is computed once, when the document is compiled, not per request.
 */
final class Limit {

    static final long NANOS = 1_000_000_000L;

    /** The refill time a lease of a high-rate limit covers (see {@link #leaseSize(long, long, long)}). */
    static final long LEASE_SPAN_MILLIS = 50;

    private final long capacity;
    private final long count;
    private final long periodSeconds;
    private final long intervalNanos;
    private final long toleranceNanos;
    private final long windowSeconds;
    private final long leaseSize;
    private final String policyParameters;

    /**
     * @param capacity the burst: units a full bucket admits at once (1 to 10^9)
     * @param count units refilled per period (1 to 10^9)
     * @param periodSeconds the period of the refill rate: 1 (s), 60 (m), 3600 (h) or 86400 (d)
     */
    Limit(long capacity, long count, long periodSeconds) {
        if (capacity < 1 || count < 1 || periodSeconds < 1) {
            throw new IllegalArgumentException("capacity, count and period must be positive");
        }
        this.capacity = capacity;
        this.count = count;
        this.periodSeconds = periodSeconds;
        this.intervalNanos = Math.max(1, periodSeconds * NANOS / count);
        this.toleranceNanos = intervalNanos * capacity;
        this.windowSeconds = ceilSeconds(toleranceNanos);
        this.leaseSize = leaseSize(capacity, count, periodSeconds);
        this.policyParameters = ";q=" + capacity + ";w=" + windowSeconds;
    }

    long capacity() {
        return capacity;
    }

    long count() {
        return count;
    }

    long periodSeconds() {
        return periodSeconds;
    }

    /** Nanoseconds one unit takes to come back. At least 1. */
    long intervalNanos() {
        return intervalNanos;
    }

    /** The credit a full bucket holds, in nanoseconds. */
    long toleranceNanos() {
        return toleranceNanos;
    }

    /** Seconds a drained bucket takes to be full again, rounded up: the {@code w} of {@code RateLimit-Policy}. */
    long windowSeconds() {
        return windowSeconds;
    }

    /**
     * Slots a node claims at once from a shared bucket (see {@link SharedBuckets}): at most
     * {@code capacity / 20} (a node holds at most 5% of the bucket unspent), at least 1, and within
     * that the larger of 50 and the refill of {@value #LEASE_SPAN_MILLIS} ms. A block's slots are
     * spendable only while their time has not passed, so a block must also span time: with a high
     * rate (10^6/s) a block of 50 slots spans 50 us and every request would claim a new one; a
     * block of {@value #LEASE_SPAN_MILLIS} ms of refill keeps claims to about 20 per second per key
     * and node however fast or slow requests come (when the capacity holds at least a second of refill).
     */
    static long leaseSize(long capacity, long count, long periodSeconds) {
        long span = (long) Math.ceil((double) count * LEASE_SPAN_MILLIS / (periodSeconds * 1000.0));
        return Math.max(1, Math.min(capacity / 20, Math.max(50, span)));
    }

    /** Slots a node claims at once from a shared bucket ({@link #leaseSize(long, long, long)}). */
    long leaseSize() {
        return leaseSize;
    }

    /** {@code ;q=<capacity>;w=<window>}: this limit's parameters in a {@code RateLimit-Policy} member. */
    String policyParameters() {
        return policyParameters;
    }

    /**
     * This limit divided among {@code nodes} nodes, each share rounded up: capacity
     * {@code ceil(capacity / nodes)}, rate {@code ceil(count / nodes)} per the same period; this
     * limit itself for 1 node or fewer (0: the cluster's size is unknown). The last share is kept,
     * so a cluster of steady size computes it once.
     */
    Limit share(int nodes) {
        if (nodes <= 1) {
            return this;
        }
        Share last = this.share;
        if (last != null && last.nodes() == nodes) {
            return last.limit();
        }
        Limit limit = new Limit(ceilDiv(capacity, nodes), ceilDiv(count, nodes), periodSeconds);
        this.share = new Share(nodes, limit);
        return limit;
    }

    private static long ceilDiv(long value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    /** A limit's share for a number of nodes. */
    private record Share(int nodes, Limit limit) {}

    private volatile Share share;

    /**
     * Takes one unit from the bucket whose state is {@code cell} (always, when {@code force});
     * writes the outcome to {@code out} at {@code at} (see {@link Outcomes}) and answers whether
     * the unit was there.
     */
    boolean take(BucketTable.Cell cell, long now, boolean force, long[] out, int at) {
        long base = Math.max(cell.tat, now);
        long next = base + intervalNanos;
        if (next - now > toleranceNanos && !force) {
            return Outcomes.refused(
                    out, at, ceilSeconds(base - now), Math.max(1, ceilSeconds(next - toleranceNanos - now)));
        }
        cell.tat = next;
        return Outcomes.admitted(
                out, at, Math.max(0, (now + toleranceNanos - next) / intervalNanos), ceilSeconds(next - now));
    }

    /** Whether a bucket whose TAT is {@code tat} has a unit now, without taking it; the outcome goes to {@code out}. */
    boolean peek(long tat, long now, long[] out, int at) {
        long base = Math.max(tat, now);
        long next = base + intervalNanos;
        if (next - now > toleranceNanos) {
            return Outcomes.refused(
                    out, at, ceilSeconds(base - now), Math.max(1, ceilSeconds(next - toleranceNanos - now)));
        }
        return Outcomes.admitted(
                out, at, Math.max(0, (now + toleranceNanos - base) / intervalNanos), ceilSeconds(base - now));
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Limit limit
                && limit.capacity == capacity
                && limit.count == count
                && limit.periodSeconds == periodSeconds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(capacity, count, periodSeconds);
    }

    @Override
    public String toString() {
        return "Limit[capacity=" + capacity + ", rate=" + rate() + "]";
    }
}
