package dev.apiguard.keycloak.ratelimit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a failing shared store from costing every request its timeout: after a claim fails, this
 * node decides alone (its share of each limit, {@link RateLimiter}) without asking the store for
 * {@link #RETRY_NANOS}; then one request tries the store again while the others still decide
 * alone, and its success closes the breaker (its failure opens it for another period).
 *
 * <p>Why: a node that stops answering without leaving the cluster (a long GC pause, a hung VM)
 * makes each write to the replicated {@code actionTokens} cache wait for Infinispan's remote
 * timeout (15 s) until failure detection removes it from the view (about 40 s). Measured on the
 * two-node harness (RateLimitClusterIT): without the breaker each request that claimed a block in
 * that time took 12 to 15 s; with it, one request does.
 */
final class SharedBreaker {

    /** How long this node decides alone after a failure before it tries the store again. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The longest a retry may take before another request may try: more than the store's timeout. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Thrown, without asking the store, while the breaker is open. Preallocated, no stack trace. */
    static final RuntimeException OPEN =
            new IllegalStateException("the shared state failed less than " + TimeUnit.NANOSECONDS.toSeconds(RETRY_NANOS)
                    + " s ago and is not asked again until then") {
                private static final long serialVersionUID = 1L;

                @Override
                public synchronized Throwable fillInStackTrace() {
                    return this;
                }
            };

    private static final long CLOSED = Long.MIN_VALUE;

    private final LongSupplier clock;
    /** {@link #CLOSED}, or the {@link #clock} time until which no request asks the store. */
    private final AtomicLong openUntil = new AtomicLong(CLOSED);

    SharedBreaker(LongSupplier clock) {
        this.clock = clock;
    }

    /** {@code slots} behind this breaker. */
    SharedSlots guard(SharedSlots slots) {
        return new SharedSlots() {
            @Override
            public boolean claim(String name, long lifespanSeconds) {
                return SharedBreaker.this.claim(slots, name, lifespanSeconds);
            }

            @Override
            public int nodes() {
                return slots.nodes();
            }
        };
    }

    /** Whether the breaker is open now (requests decide alone). */
    boolean open() {
        long until = openUntil.get();
        return until != CLOSED && clock.getAsLong() - until < 0;
    }

    private boolean claim(SharedSlots slots, String name, long lifespanSeconds) {
        long until = openUntil.get();
        if (until != CLOSED) {
            long now = clock.getAsLong();
            // Open: decide alone. Past the period: the one request that moves the mark tries the store.
            if (now - until < 0 || !openUntil.compareAndSet(until, now + PROBE_NANOS)) {
                throw OPEN;
            }
        }
        boolean claimed;
        try {
            claimed = slots.claim(name, lifespanSeconds);
        } catch (RuntimeException e) {
            openUntil.set(clock.getAsLong() + RETRY_NANOS);
            throw e;
        }
        if (openUntil.get() != CLOSED) {
            openUntil.set(CLOSED);
        }
        return claimed;
    }
}
