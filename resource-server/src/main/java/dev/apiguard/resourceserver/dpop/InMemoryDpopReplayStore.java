package dev.apiguard.resourceserver.dpop;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded replay store for one instance. Entries are dropped once expired. When {@code maxEntries} live
 * entries are held, new proofs are refused (fail closed) until some expire: a replay window is never opened
 * to make room. With proofs accepted for about a minute the default of 100,000 entries covers more than
 * 1,600 DPoP requests per second.
 */
public final class InMemoryDpopReplayStore implements DpopReplayStore {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    private static final int PURGE_EVERY = 4096;

    private final ConcurrentHashMap<String, Long> entries = new ConcurrentHashMap<>();
    private final AtomicInteger insertsSincePurge = new AtomicInteger();
    private final int maxEntries;
    private final Clock clock;

    public InMemoryDpopReplayStore() {
        this(DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    public InMemoryDpopReplayStore(int maxEntries, Clock clock) {
        if (maxEntries < 1 || maxEntries > 10_000_000) {
            throw new IllegalArgumentException("maxEntries must lie between 1 and 10000000, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public boolean markUsed(String key, Instant expiresAt) {
        long now = clock.millis();
        if (insertsSincePurge.incrementAndGet() >= PURGE_EVERY || entries.size() >= maxEntries) {
            insertsSincePurge.set(0);
            entries.values().removeIf(expiry -> expiry <= now);
            if (entries.size() >= maxEntries) {
                return false;
            }
        }
        long expiry = expiresAt.toEpochMilli();
        boolean[] first = {false};
        entries.compute(key, (k, existing) -> {
            if (existing == null || existing <= now) {
                first[0] = true;
                return expiry;
            }
            return existing;
        });
        return first[0];
    }

    /** Entries currently held, expired ones not yet purged included. */
    public int size() {
        return entries.size();
    }
}
