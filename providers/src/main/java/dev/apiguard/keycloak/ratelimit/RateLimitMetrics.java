package dev.apiguard.keycloak.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Counters of the limiter's reports on Micrometer's global registry, which Keycloak exports on its
 * metrics endpoint when metrics are enabled ({@code --metrics-enabled=true}, management port,
 * {@code /metrics}): {@value #NAME} with the tags {@code realm}, {@code rule} and {@code outcome}
 * ({@code rate_limited}, {@code rate_limited_shadow}, {@code rate_limit_warning}). The tags are
 * bounded: realms x rules (at most 32 a document) x 3; never a key (client, address, username).
 * Without metrics the registry holds no meter registry and counting costs nothing measurable.
 */
final class RateLimitMetrics {

    static final String NAME = "apiguard_rate_limit_events";

    private static final Logger LOG = Logger.getLogger(RateLimitMetrics.class);
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();
    private static volatile boolean unavailable;

    private RateLimitMetrics() {}

    static void count(String realm, String rule, String outcome) {
        if (unavailable) {
            return;
        }
        try {
            COUNTERS.computeIfAbsent(
                            realm + '\u0000' + rule + '\u0000' + outcome,
                            key -> Counter.builder(NAME)
                                    .description(
                                            "Requests refused, would-be refusals of shadow rules, and 80% warnings of "
                                                    + "API Guard's rate limits")
                                    .tag("realm", realm)
                                    .tag("rule", rule)
                                    .tag("outcome", outcome)
                                    .register(Metrics.globalRegistry))
                    .increment();
        } catch (LinkageError e) {
            // Micrometer is not on this server's class path (not a Keycloak 26 distribution): no counters.
            unavailable = true;
            LOG.warnf("Rate-limit counters are off: Micrometer is not available (%s)", e.toString());
        }
    }
}
