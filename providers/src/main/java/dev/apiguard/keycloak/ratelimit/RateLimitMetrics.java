package dev.apiguard.keycloak.ratelimit;

/**
 * Counters of the limiter's reports. Not yet exported to Keycloak's metrics endpoint (see
 * docs/rate-limiting.md); kept as one call site so that an exporter replaces this body only.
 */
final class RateLimitMetrics {

    private RateLimitMetrics() {}

    static void count(String realm, String rule, String outcome) {
        // Intentionally empty until an exporter is wired (docs/rate-limiting.md, "Metrics").
    }
}
