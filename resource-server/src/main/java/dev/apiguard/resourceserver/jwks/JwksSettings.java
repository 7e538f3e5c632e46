package dev.apiguard.resourceserver.jwks;

import java.time.Duration;
import java.util.Objects;

/**
 * How the JWKS is fetched and cached. Every value is checked here, once, with a message naming the value
 * and its allowed range.
 *
 * @param defaultTimeToLive   cache lifetime when the JWKS answer carries no usable {@code max-age}
 *                            ({@code no-cache}, {@code no-store} or no header); default 5 min
 * @param minTimeToLive       lower bound applied to {@code max-age}; default 60 s; at least
 *                            {@code refreshAhead + refreshTimeout} and more than {@code rateLimitInterval}
 * @param maxTimeToLive       upper bound applied to {@code max-age}; default 1 h
 * @param refreshAhead        how long before expiry a request triggers a background refresh; default 30 s
 * @param refreshTimeout      how long a request waits for a refresh under way; default 15 s
 * @param rateLimitInterval   minimum time between two fetches caused by an unknown {@code kid}; default 30 s
 * @param outageTolerance     how long the last fetched keys keep validating while the JWKS endpoint fails;
 *                            default 1 h, zero turns outage tolerance off
 * @param connectTimeout      HTTP connect timeout; default 2 s
 * @param readTimeout         HTTP read timeout; default 2 s
 * @param sizeLimitBytes      largest JWKS accepted; default 256 KiB
 */
public record JwksSettings(
        Duration defaultTimeToLive,
        Duration minTimeToLive,
        Duration maxTimeToLive,
        Duration refreshAhead,
        Duration refreshTimeout,
        Duration rateLimitInterval,
        Duration outageTolerance,
        Duration connectTimeout,
        Duration readTimeout,
        int sizeLimitBytes) {

    public static final JwksSettings DEFAULTS = new JwksSettings(
            Duration.ofMinutes(5),
            Duration.ofSeconds(60),
            Duration.ofHours(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(15),
            Duration.ofSeconds(30),
            Duration.ofHours(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            256 * 1024);

    public JwksSettings {
        positive("defaultTimeToLive", defaultTimeToLive);
        positive("minTimeToLive", minTimeToLive);
        positive("maxTimeToLive", maxTimeToLive);
        positive("refreshAhead", refreshAhead);
        positive("refreshTimeout", refreshTimeout);
        positive("rateLimitInterval", rateLimitInterval);
        Objects.requireNonNull(outageTolerance, "outageTolerance");
        if (outageTolerance.isNegative()) {
            throw new IllegalArgumentException(
                    "outageTolerance must be zero (off) or positive, got " + outageTolerance);
        }
        positive("connectTimeout", connectTimeout);
        positive("readTimeout", readTimeout);
        if (minTimeToLive.compareTo(refreshAhead.plus(refreshTimeout)) < 0) {
            throw new IllegalArgumentException("minTimeToLive (" + minTimeToLive + ") must be at least refreshAhead + "
                    + "refreshTimeout (" + refreshAhead.plus(refreshTimeout) + ")");
        }
        if (minTimeToLive.compareTo(rateLimitInterval) <= 0) {
            throw new IllegalArgumentException("minTimeToLive (" + minTimeToLive
                    + ") must be longer than rateLimitInterval (" + rateLimitInterval + ")");
        }
        if (maxTimeToLive.compareTo(minTimeToLive) < 0) {
            throw new IllegalArgumentException(
                    "maxTimeToLive (" + maxTimeToLive + ") must be at least minTimeToLive (" + minTimeToLive + ")");
        }
        if (defaultTimeToLive.compareTo(minTimeToLive) < 0 || defaultTimeToLive.compareTo(maxTimeToLive) > 0) {
            throw new IllegalArgumentException(
                    "defaultTimeToLive (" + defaultTimeToLive + ") must lie between minTimeToLive (" + minTimeToLive
                            + ") and maxTimeToLive (" + maxTimeToLive + ")");
        }
        if (sizeLimitBytes < 1024 || sizeLimitBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "sizeLimitBytes must lie between 1024 and 16777216, got " + sizeLimitBytes);
        }
    }

    /** The lifetime the cache uses for an answer with {@code max-age} seconds, or the default when {@code null}. */
    public Duration timeToLiveFor(Long maxAgeSeconds) {
        if (maxAgeSeconds == null) {
            return defaultTimeToLive;
        }
        Duration maxAge = Duration.ofSeconds(maxAgeSeconds);
        if (maxAge.compareTo(minTimeToLive) < 0) {
            return minTimeToLive;
        }
        return maxAge.compareTo(maxTimeToLive) > 0 ? maxTimeToLive : maxAge;
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
