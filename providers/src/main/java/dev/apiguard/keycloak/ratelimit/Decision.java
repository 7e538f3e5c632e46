package dev.apiguard.keycloak.ratelimit;

/**
 * What the limiter decided for one request: for each rule that applied, its key, limit and
 * outcome; whether an enforced rule refused (and then the {@code Retry-After}); the shadow rules
 * that would have refused and the buckets that crossed 80%. Filled by {@link RateLimiter}, read
 * by the filter (headers, events) and completed after the response ({@link RateLimiter#settle}).
 */
public final class Decision {

    final RateLimitPolicy policy;
    final Endpoint endpoint;
    final Rule[] rules;
    final String[] keys;
    final Limit[] limits;
    final BucketTable.Outcome[] outcomes;
    /** Per applied rule: 0 nothing to report, 1 refused (enforced), 2 would refuse (shadow), 3 warning at 80%. */
    final byte[] reports;

    int size;
    Rule refusedBy;
    long retryAfterSeconds;

    Decision(RateLimitPolicy policy, Endpoint endpoint, int capacity) {
        this.policy = policy;
        this.endpoint = endpoint;
        this.rules = new Rule[capacity];
        this.keys = new String[capacity];
        this.limits = new Limit[capacity];
        this.outcomes = new BucketTable.Outcome[capacity];
        this.reports = new byte[capacity];
    }

    static final byte REFUSED = 1;
    static final byte SHADOW_REFUSED = 2;
    static final byte WARNING = 3;

    public boolean refused() {
        return refusedBy != null;
    }

    /** The {@code RateLimit-Policy} field value (RFC 9651 list), or {@code null} when no enforced rule applied. */
    public String policyField() {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < size; i++) {
            if (rules[i].shadow()) {
                continue;
            }
            if (!field.isEmpty()) {
                field.append(", ");
            }
            field.append('"')
                    .append(rules[i].name())
                    .append("\";q=")
                    .append(limits[i].capacity())
                    .append(";w=")
                    .append(limits[i].windowSeconds());
        }
        return field.isEmpty() ? null : field.toString();
    }

    /** The {@code RateLimit} field value (RFC 9651 list), or {@code null} when no enforced rule applied. */
    public String rateLimitField() {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < size; i++) {
            if (rules[i].shadow()) {
                continue;
            }
            if (!field.isEmpty()) {
                field.append(", ");
            }
            field.append('"')
                    .append(rules[i].name())
                    .append("\";r=")
                    .append(outcomes[i].remaining())
                    .append(";t=")
                    .append(outcomes[i].resetSeconds());
        }
        return field.isEmpty() ? null : field.toString();
    }
}
