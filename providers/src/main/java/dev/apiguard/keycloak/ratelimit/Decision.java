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
    /** Per applied rule, {@link Outcomes#WIDTH} numbers: units left, seconds until full, seconds until a unit is back. */
    final long[] outcomes;
    /** Per applied rule: 0 nothing to report, 1 refused (enforced), 2 would refuse (shadow), 3 warning at 80%. */
    final byte[] reports;

    int size;
    /** Bit {@code i}: applied rule {@code i} was decided by this node's bucket because the shared state failed. */
    int local;

    Rule refusedBy;
    long retryAfterSeconds;

    Decision(RateLimitPolicy policy, Endpoint endpoint, int capacity) {
        this.policy = policy;
        this.endpoint = endpoint;
        this.rules = new Rule[capacity];
        this.keys = new String[capacity];
        this.limits = new Limit[capacity];
        this.outcomes = new long[capacity * Outcomes.WIDTH];
        this.reports = new byte[capacity];
    }

    static final byte REFUSED = 1;
    static final byte SHADOW_REFUSED = 2;
    static final byte WARNING = 3;

    public boolean refused() {
        return refusedBy != null;
    }

    /** Whether applied rule {@code i} found a unit (a rule that refused, enforced or shadow, did not). */
    boolean admitted(int i) {
        return reports[i] != REFUSED && reports[i] != SHADOW_REFUSED;
    }

    /** Whether applied rule {@code i} was decided by this node's own bucket (the shared state failed). */
    boolean decidedLocally(int i) {
        return (local & (1 << i)) != 0;
    }

    /** The units applied rule {@code i}'s bucket has left. */
    long remaining(int i) {
        return outcomes[i * Outcomes.WIDTH];
    }

    /** Seconds until applied rule {@code i}'s bucket is full again (rounded up). */
    long resetSeconds(int i) {
        return outcomes[i * Outcomes.WIDTH + 1];
    }

    /** The {@code RateLimit-Policy} field value (RFC 9651 list), or {@code null} when no enforced rule applied. */
    public String policyField() {
        // Members are precomputed per rule (and per limit for tiered rules): no number is formatted here.
        int first = -1;
        StringBuilder field = null;
        for (int i = 0; i < size; i++) {
            if (rules[i].shadow()) {
                continue;
            }
            if (first < 0) {
                first = i;
                continue;
            }
            if (field == null) {
                field = new StringBuilder(128);
                appendPolicyMember(field, first);
            }
            appendPolicyMember(field.append(", "), i);
        }
        if (field != null) {
            return field.toString();
        }
        if (first < 0) {
            return null;
        }
        String member = precomputedMember(first);
        return member != null ? member : rules[first].fieldName() + limits[first].policyParameters();
    }

    /** The rule's precomputed member, unless the limit applied is another (a tier, a per-node share). */
    private String precomputedMember(int i) {
        return limits[i] == rules[i].limit() ? rules[i].policyMember() : null;
    }

    private void appendPolicyMember(StringBuilder field, int i) {
        String member = precomputedMember(i);
        if (member != null) {
            field.append(member);
        } else {
            field.append(rules[i].fieldName()).append(limits[i].policyParameters());
        }
    }

    /** The {@code RateLimit} field value (RFC 9651 list), or {@code null} when no enforced rule applied. */
    public String rateLimitField() {
        StringBuilder field = null;
        for (int i = 0; i < size; i++) {
            if (rules[i].shadow()) {
                continue;
            }
            if (field == null) {
                field = new StringBuilder(64);
            } else {
                field.append(", ");
            }
            field.append(rules[i].fieldName())
                    .append(";r=")
                    .append(remaining(i))
                    .append(";t=")
                    .append(resetSeconds(i));
        }
        return field == null ? null : field.toString();
    }
}
