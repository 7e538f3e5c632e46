package dev.apiguard.keycloak.ratelimit;

/**
 * A cluster-wide token bucket built from claims of numbered slots, leased in blocks so that a
 * node makes one cluster call per block, not per request.
 *
 * <p>Time is cut into slots of one emission interval {@code T = period / N} (wall clock, so that
 * every node numbers slots alike). Slot {@code s} is one unit of the bucket; at time {@code now}
 * (slot {@code n = now / T}) the units that may be spent are the slots {@code n} to
 * {@code n + capacity - 1}: a full bucket is {@code capacity} units, earlier slots are gone (a
 * bucket does not fill beyond its capacity), later ones come with the refill. A node takes units
 * in blocks of {@code L} consecutive slots: it claims block {@code b} by the shared name
 * {@code <name>:<b>} (at most one node gets it), then spends the block's slots locally as they
 * become spendable. So over any interval of {@code d} seconds the cluster spends at most
 * {@code capacity + rate * d + 1} units, however many nodes ask; a node that stops takes its
 * unspent units with it (the cluster admits less, never more).
 *
 * <p>{@code L} is {@code capacity / 20}, between 1 and 50: a cluster call per 5% of the bucket.
 */
final class SharedBuckets {

    private SharedBuckets() {}

    static long leaseSize(Limit limit) {
        return limit.leaseSize();
    }

    /**
     * Spends one unit of the shared bucket named {@code prefix + key} for this node, claiming a new
     * block when this node's is spent; writes the outcome to {@code out} at {@code at} ({@link
     * Outcomes}) and answers whether a unit was spent. The shared name is built only for a claim.
     */
    static boolean take(
            BucketTable.Cell cell,
            String prefix,
            String key,
            Limit limit,
            long now,
            boolean force,
            SharedSlots shared,
            long[] out,
            int at) {
        long interval = limit.intervalNanos();
        long lease = limit.leaseSize();
        long n = now / interval;
        long last = n + limit.capacity() - 1;
        if (cell.block >= 0) {
            long slot = Math.max(cell.next, n);
            if (slot < (cell.block + 1) * lease && (slot <= last || force)) {
                cell.next = slot + 1;
                return admitted(cell, limit, lease, n, last, interval, out, at);
            }
        }
        long block = Math.max(cell.hint, n / lease);
        int attempts = 0;
        long maxAttempts = limit.capacity() / lease + 2;
        while ((block * lease <= last || force) && attempts++ < maxAttempts) {
            long lastSlotEnds = ((block + 1) * lease + 1) * interval;
            long lifespan = Math.max(1, Limit.ceilSeconds(lastSlotEnds - now)) + 2;
            if (shared.claim(prefix + key + ":" + block, lifespan)) {
                cell.block = block;
                cell.hint = block + 1;
                long slot = Math.max(block * lease, n);
                cell.next = slot + 1;
                return admitted(cell, limit, lease, n, last, interval, out, at);
            }
            block++;
            cell.hint = block;
        }
        long retry = Math.max(1, Limit.ceilSeconds((block * lease - last) * interval));
        return Outcomes.refused(out, at, Limit.ceilSeconds((block * lease - n) * interval), retry);
    }

    static boolean peek(BucketTable.Cell cell, Limit limit, long now, long[] out, int at) {
        long interval = limit.intervalNanos();
        long lease = limit.leaseSize();
        long n = now / interval;
        long last = n + limit.capacity() - 1;
        if (cell == null) {
            return Outcomes.admitted(out, at, limit.capacity(), 0);
        }
        if (cell.block >= 0 && Math.max(cell.next, n) < (cell.block + 1) * lease && Math.max(cell.next, n) <= last) {
            return admitted(cell, limit, lease, n, last, interval, out, at);
        }
        long block = Math.max(cell.hint, n / lease);
        if (block * lease <= last) {
            return Outcomes.admitted(out, at, Math.max(0, last - block * lease + 1), 0);
        }
        long retry = Math.max(1, Limit.ceilSeconds((block * lease - last) * interval));
        return Outcomes.refused(out, at, Limit.ceilSeconds((block * lease - n) * interval), retry);
    }

    /** The outcome of a spent unit, as far as this node sees the bucket. */
    private static boolean admitted(
            BucketTable.Cell cell, Limit limit, long lease, long n, long last, long interval, long[] out, int at) {
        long ownLeft = Math.max(0, Math.min((cell.block + 1) * lease, last + 1) - Math.max(cell.next, n));
        long unclaimed = Math.max(0, last + 1 - Math.max(cell.hint * lease, n));
        long remaining = Math.min(limit.capacity(), ownLeft + unclaimed);
        long frontier = Math.max(cell.next, cell.hint * lease);
        return Outcomes.admitted(out, at, remaining, Limit.ceilSeconds((frontier - n) * interval));
    }
}
