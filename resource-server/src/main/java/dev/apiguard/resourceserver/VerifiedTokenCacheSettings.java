package dev.apiguard.resourceserver;

import java.time.Duration;
import java.util.Objects;

/**
 * How many verified tokens {@link AccessTokenValidator} remembers, and for how long. A remembered token skips the
 * parsing and the signature check on its next presentations; every time-based claim, the key that verified it and
 * everything the request adds (DPoP, scopes, step-up) are still checked each time (see
 * {@link AccessTokenValidator}).
 *
 * @param maxEntries  the most tokens held at once (least recently used ones are dropped first); 0 turns the cache
 *                    off; default {@value #DEFAULT_MAX_ENTRIES}, at most {@value #MAX_MAX_ENTRIES}
 * @param maxEntryAge how long a token is trusted without verifying its signature again, whatever its {@code exp};
 *                    default 10 min, between 1 s and 1 h
 */
public record VerifiedTokenCacheSettings(int maxEntries, Duration maxEntryAge) {

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final int MAX_MAX_ENTRIES = 1_000_000;

    /** 10,000 tokens, each for at most 10 minutes (and never past its {@code exp}). */
    public static final VerifiedTokenCacheSettings DEFAULTS =
            new VerifiedTokenCacheSettings(DEFAULT_MAX_ENTRIES, Duration.ofMinutes(10));

    /** No cache: every presentation of a token is parsed and its signature verified. */
    public static final VerifiedTokenCacheSettings OFF = new VerifiedTokenCacheSettings(0, Duration.ofMinutes(10));

    public VerifiedTokenCacheSettings {
        if (maxEntries < 0 || maxEntries > MAX_MAX_ENTRIES) {
            throw new IllegalArgumentException(
                    "maxEntries must lie between 0 (off) and " + MAX_MAX_ENTRIES + ", got " + maxEntries);
        }
        Objects.requireNonNull(maxEntryAge, "maxEntryAge");
        if (maxEntryAge.compareTo(Duration.ofSeconds(1)) < 0 || maxEntryAge.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("maxEntryAge must lie between 1 s and 1 h, got " + maxEntryAge);
        }
    }

    /** Whether tokens are remembered at all. */
    public boolean enabled() {
        return maxEntries > 0;
    }
}
