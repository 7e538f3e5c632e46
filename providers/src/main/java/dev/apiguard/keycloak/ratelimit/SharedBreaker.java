package dev.apiguard.keycloak.ratelimit;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a failing shared store from costing requests its timeout: after a claim fails, this node
 * decides alone (its share of each limit, {@link RateLimiter}) without asking the store; every
 * {@link #RETRY_NANOS} a retry runs off the request path (on {@code executor}, with a session of
 * its own), and its success closes the breaker. No request waits for a retry.
 *
 * <p>Why: a node that stops answering without leaving the cluster (a long GC pause, a hung VM)
 * makes each write to the replicated {@code actionTokens} cache wait for Infinispan's remote
 * timeout (15 s) until failure detection removes it from the view (about 40 s). Measured on the
 * two-node harness (RateLimitClusterIT, node 2 frozen with SIGSTOP): without the breaker every
 * request that claimed a block in that time took 12 to 15 s; with it, only the requests already
 * waiting for the store when it failed do.
 */
final class SharedBreaker {

    /** How long this node decides alone after a failure before a retry. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The longest a retry may take before another may start: more than the store's timeout. */
    static final long RETRY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Thrown, without asking the store, while the breaker is open. Preallocated, no stack trace. */
    static final RuntimeException OPEN =
            new IllegalStateException("the shared state failed and is retried in the background every "
                    + TimeUnit.NANOSECONDS.toSeconds(RETRY_NANOS) + " s") {
                private static final long serialVersionUID = 1L;

                @Override
                public synchronized Throwable fillInStackTrace() {
                    return this;
                }
            };

    /** A claim of a name no bucket uses, in a session of its own; throws when the store fails. */
    @FunctionalInterface
    interface Retry {
        void run();
    }

    private static final long CLOSED = Long.MIN_VALUE;

    private final LongSupplier clock;
    private final Executor executor;
    /** {@link #CLOSED}, or the {@link #clock} time of the next retry. */
    private final AtomicLong openUntil = new AtomicLong(CLOSED);

    SharedBreaker(LongSupplier clock, Executor executor) {
        this.clock = clock;
        this.executor = executor;
    }

    /** {@code slots} behind this breaker; {@code retry} is what a retry runs. */
    SharedSlots guard(SharedSlots slots, Retry retry) {
        return new SharedSlots() {
            @Override
            public boolean claim(String name, long lifespanSeconds) {
                return SharedBreaker.this.claim(slots, retry, name, lifespanSeconds);
            }

            @Override
            public int nodes() {
                return slots.nodes();
            }
        };
    }

    /** Whether the breaker is open (requests decide alone). */
    boolean open() {
        return openUntil.get() != CLOSED;
    }

    private boolean claim(SharedSlots slots, Retry retry, String name, long lifespanSeconds) {
        long until = openUntil.get();
        if (until != CLOSED) {
            long now = clock.getAsLong();
            // The request that moves the mark starts the retry; every request decides alone meanwhile.
            if (now - until >= 0 && openUntil.compareAndSet(until, now + RETRY_TIMEOUT_NANOS)) {
                try {
                    executor.execute(() -> retry(retry));
                } catch (RejectedExecutionException e) {
                    openUntil.set(now + RETRY_NANOS);
                }
            }
            throw OPEN;
        }
        try {
            return slots.claim(name, lifespanSeconds);
        } catch (RuntimeException e) {
            openUntil.set(clock.getAsLong() + RETRY_NANOS);
            throw e;
        }
    }

    private void retry(Retry retry) {
        try {
            retry.run();
        } catch (RuntimeException e) {
            openUntil.set(clock.getAsLong() + RETRY_NANOS);
            return;
        }
        openUntil.set(CLOSED);
    }
}
