package dev.apiguard.keycloak.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The buckets of one rule: a map from key (client id, address prefix, username, realm) to the
 * key's GCRA state, bounded to at most {@link #maxEntries()} keys. The map is split into
 * {@value #STRIPES} stripes, each a least-recently-used map under its own lock, so that a decision
 * costs one hash, one uncontended lock and one map access.
 *
 * <p>Why evicting is safe: GCRA keeps one number per key, the theoretical arrival time (TAT). A
 * key whose TAT lies in the past has a full bucket and is the same as an absent key; the
 * least-recently-used key is the one most likely to be full. Under a flood of distinct keys (10^6
 * addresses) the table keeps its bound and forgets the oldest keys; a forgotten key that was not
 * yet full starts again full, which is the price of a bounded memory (documented in
 * docs/rate-limiting.md).
 */
final class BucketTable {

    static final int STRIPE_BITS = 6;
    static final int STRIPES = 1 << STRIPE_BITS;

    /** The state of one key. Guarded by its stripe's lock. */
    static final class Cell {
        /** GCRA's theoretical arrival time (per-node buckets). */
        long tat;

        long warnedUntil;
        /** Shared buckets: the block of slots this node holds (-1: none), its next unused slot, the next block to try. */
        long block = -1;

        long next;
        long hint;
        /**
         * Shared buckets of failure-counting rules: a failure was charged to this node's bucket
         * ({@link #tat}) because the shared state failed; until a shared charge succeeds again (or
         * that bucket is full), a look at the bucket is this node's, not the cluster's.
         */
        boolean chargedLocally;
    }

    /**
     * Thrown by {@link #peekShared} for a key whose failures were charged to this node's bucket
     * while the shared state failed: the caller decides with this node's share, as for any other
     * failure of the shared state. Preallocated, no stack trace.
     */
    static final RuntimeException CHARGED_LOCALLY =
            new IllegalStateException("failures of this key were counted by this node while the shared state failed") {
                private static final long serialVersionUID = 1L;

                @Override
                public synchronized Throwable fillInStackTrace() {
                    return this;
                }
            };

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int maxEntries;

    BucketTable(int maxEntries) {
        if (maxEntries < STRIPES) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + " must be at least " + STRIPES);
        }
        this.maxEntries = maxEntries;
        int perStripe = maxEntries / STRIPES;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(perStripe);
        }
    }

    int maxEntries() {
        return maxEntries;
    }

    /** The number of keys held now (at most {@link #maxEntries()}). */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size();
            }
        }
        return size;
    }

    /**
     * Takes one unit for {@code key} if the bucket has one (or always, when {@code force}); writes
     * the outcome to {@code out} at {@code at} ({@link Outcomes}, may be {@code null}) and answers
     * whether the unit was there.
     */
    boolean take(String key, Limit limit, long now, boolean force, long[] out, int at) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell == null) {
                cell = new Cell();
                cell.tat = now;
                stripe.put(key, cell);
            }
            return limit.take(cell, now, force, out, at);
        }
    }

    /**
     * Charges one unit to {@code key}'s bucket on this node whether or not it has one (a failure
     * after the answer), and marks the key as charged locally (see {@link Cell#chargedLocally}).
     */
    void chargeLocally(String key, Limit limit, long now) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell == null) {
                cell = new Cell();
                cell.tat = now;
                stripe.put(key, cell);
            }
            limit.take(cell, now, true, null, 0);
            cell.chargedLocally = true;
        }
    }

    /**
     * Takes one unit of {@code key}'s cluster-wide bucket through {@code shared} (see {@link
     * SharedBuckets}); {@code prefix} + {@code key} names this rule's and key's shared names (only
     * built when a block is claimed).
     */
    boolean takeShared(
            String key, String prefix, Limit limit, long now, boolean force, SharedSlots shared, long[] out, int at) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell == null) {
                cell = new Cell();
                stripe.put(key, cell);
            }
            // The lock is held during the cluster call: requests for one stripe wait for one claim per lease.
            boolean admitted = SharedBuckets.take(cell, prefix, key, limit, now, force, shared, out, at);
            cell.chargedLocally = false;
            return admitted;
        }
    }

    /** Whether {@code key}'s shared bucket likely has a unit now (this node's view), without taking it. */
    boolean peekShared(String key, Limit limit, long now, long[] out, int at) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell != null && cell.chargedLocally) {
                if (cell.tat > now) {
                    throw CHARGED_LOCALLY;
                }
                // This node's bucket of the fallback is full again: the cluster's view decides.
                cell.chargedLocally = false;
            }
            return SharedBuckets.peek(cell, limit, now, out, at);
        }
    }

    /** Gives back one unit of {@code key}'s shared bucket taken by this node. */
    void refundShared(String key) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell != null && cell.block >= 0) {
                cell.next--;
            }
        }
    }

    /** Whether {@code key}'s bucket has a unit now, without taking it; the outcome goes to {@code out} at {@code at}. */
    boolean peek(String key, Limit limit, long now, long[] out, int at) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            return limit.peek(cell == null ? now : cell.tat, now, out, at);
        }
    }

    /** Gives back one unit taken earlier for {@code key} (a request that turned out not to count). */
    void refund(String key, Limit limit, long now) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell != null) {
                cell.tat = Math.max(now, cell.tat - limit.intervalNanos());
            }
        }
    }

    /**
     * Marks {@code key} as warned until {@code until}; answers whether it was not warned yet (so
     * that one warning is sent per window).
     */
    boolean warnOnce(String key, long now, long until) {
        Stripe stripe = stripe(key);
        synchronized (stripe) {
            Cell cell = stripe.get(key);
            if (cell == null || cell.warnedUntil > now) {
                return false;
            }
            cell.warnedUntil = until;
            return true;
        }
    }

    private Stripe stripe(String key) {
        return stripes[stripeIndex(key.hashCode())];
    }

    /**
     * The stripe of a key: the top {@value #STRIPE_BITS} bits of its hash after a Fibonacci
     * multiplication. Not the low bits: each stripe's {@link java.util.HashMap} picks its bucket
     * from the low bits of the same hash, so keys chosen by their low bits would all fall into
     * {@code 1/STRIPES} of a stripe's buckets (long collision chains, turned into trees).
     */
    static int stripeIndex(int hash) {
        return (hash * 0x9E3779B9) >>> (Integer.SIZE - STRIPE_BITS);
    }

    /** One least-recently-used map, bounded. */
    private static final class Stripe extends LinkedHashMap<String, Cell> {

        private static final long serialVersionUID = 1L;
        private final int max;

        Stripe(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cell> eldest) {
            return size() > max;
        }
    }
}
