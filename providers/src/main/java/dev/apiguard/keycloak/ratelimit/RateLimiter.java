package dev.apiguard.keycloak.ratelimit;

import java.util.Locale;

/**
 * The decision for one request, free of JAX-RS and Keycloak types (unit-tested and benchmarked
 * alone). For every rule of the endpoint, in document order:
 * <ul>
 *   <li>the key: the named client, the address aggregated to /24 or /64, the lower-cased
 *       username, or the realm; a rule whose key the request lacks does not apply, and an
 *       allow-listed address skips every rule;</li>
 *   <li>the limit: the rule's own, or the client's tier (a tier the document does not define
 *       falls back to the default tier);</li>
 *   <li>rules that count every request take one unit now; rules that count failures only check
 *       that a unit is left and are charged by {@link #settle} when the answer is a failure;</li>
 *   <li>an enforced rule without a unit refuses the request: the units other rules took for it
 *       are given back, and {@code Retry-After} is the longest wait of the refusing rules; a
 *       shadow rule without a unit is reported and refuses nothing;</li>
 *   <li>a bucket left with 20% or less of its capacity is reported once per window (the time the
 *       bucket takes to fill again).</li>
 * </ul>
 */
public final class RateLimiter {

    private RateLimiter() {}

    /** Decides with per-node buckets only. */
    public static Decision decide(RateLimitPolicy policy, RequestFacts request, long now) {
        return decide(policy, request, now, null);
    }

    /**
     * Decides; with {@code shared}, buckets are cluster-wide ({@link SharedBuckets}), {@code now}
     * must then be wall-clock nanoseconds (every node numbers slots alike). When the shared state
     * fails, the rule falls back to this node's bucket for that request (and the failure is logged,
     * at most once a minute).
     */
    public static Decision decide(RateLimitPolicy policy, RequestFacts request, long now, SharedSlots shared) {
        Rule[] rules = policy.rules(request.endpoint());
        Decision decision = new Decision(policy, request.endpoint(), rules.length);
        if (rules.length == 0) {
            return decision;
        }
        byte[] address = null;
        if (request.address() != null) {
            address = Addresses.parse(request.address());
            if (!policy.allowList.isEmpty() && policy.allowListed(address)) {
                return decision;
            }
        }
        for (Rule rule : rules) {
            String key = switch (rule.key()) {
                case CLIENT -> request.clientId();
                case ADDRESS -> request.address() == null ? null : Addresses.aggregate(request.address(), address);
                case USERNAME ->
                    request.username() == null ? null : request.username().toLowerCase(Locale.ROOT);
                case REALM -> "realm";
            };
            if (key == null) {
                continue;
            }
            Limit limit = rule.tiered() ? policy.tierLimit(request.tier()) : rule.limit();
            BucketTable.Outcome outcome = outcome(policy, rule, key, limit, now, shared);
            int i = decision.size++;
            decision.rules[i] = rule;
            decision.keys[i] = key;
            decision.limits[i] = limit;
            decision.outcomes[i] = outcome;
            if (!outcome.admitted()) {
                if (rule.shadow()) {
                    decision.reports[i] = Decision.SHADOW_REFUSED;
                } else {
                    decision.reports[i] = Decision.REFUSED;
                    if (decision.refusedBy == null) {
                        decision.refusedBy = rule;
                    }
                    decision.retryAfterSeconds = Math.max(decision.retryAfterSeconds, outcome.retryAfterSeconds());
                }
            } else if (outcome.remaining() * 5 <= limit.capacity()
                    && rule.table().warnOnce(key, now, now + limit.toleranceNanos())) {
                decision.reports[i] = Decision.WARNING;
            }
        }
        if (decision.refused()) {
            for (int i = 0; i < decision.size; i++) {
                Rule rule = decision.rules[i];
                if (!rule.failuresOnly() && decision.outcomes[i].admitted()) {
                    refund(rule, decision.keys[i], decision.limits[i], now, shared);
                    // The fields report the bucket as the refusal leaves it.
                    decision.outcomes[i] = shared == null
                            ? rule.table().peek(decision.keys[i], decision.limits[i], now)
                            : rule.table().peekShared(decision.keys[i], decision.limits[i], now);
                }
            }
        }
        return decision;
    }

    /**
     * Completes an admitted request's decision once its answer is known: rules that count failures
     * are charged for a failure (status 400 and above); a client rule gives back its unit when the
     * client failed to authenticate (401), so that a request naming another client's id cannot
     * drain that client's bucket (the source address's failure rule charges it instead).
     */
    static void settle(Decision decision, int status, long now, SharedSlots shared) {
        if (decision.refused()) {
            return;
        }
        for (int i = 0; i < decision.size; i++) {
            Rule rule = decision.rules[i];
            if (rule.failuresOnly()) {
                if (status >= 400) {
                    charge(decision.policy, rule, decision.keys[i], decision.limits[i], now, shared);
                }
            } else if (rule.key() == KeyKind.CLIENT && status == 401) {
                refund(rule, decision.keys[i], decision.limits[i], now, shared);
            }
        }
    }

    static void settle(Decision decision, int status, long now) {
        settle(decision, status, now, null);
    }

    private static BucketTable.Outcome outcome(
            RateLimitPolicy policy, Rule rule, String key, Limit limit, long now, SharedSlots shared) {
        if (shared != null) {
            try {
                return rule.failuresOnly()
                        ? rule.table().peekShared(key, limit, now)
                        : rule.table().takeShared(key, policy.sharedName(rule, key), limit, now, false, shared);
            } catch (RuntimeException e) {
                // Shared state unreachable (a node leaving, a remote cache down): this node's bucket decides.
                SharedFailures.log(e);
            }
        }
        return rule.failuresOnly()
                ? rule.table().peek(key, limit, now)
                : rule.table().take(key, limit, now, false);
    }

    private static void charge(
            RateLimitPolicy policy, Rule rule, String key, Limit limit, long now, SharedSlots shared) {
        if (shared != null) {
            try {
                rule.table().takeShared(key, policy.sharedName(rule, key), limit, now, true, shared);
                return;
            } catch (RuntimeException e) {
                // See outcome(): fall back to this node's bucket.
                SharedFailures.log(e);
            }
        }
        rule.table().take(key, limit, now, true);
    }

    private static void refund(Rule rule, String key, Limit limit, long now, SharedSlots shared) {
        if (shared != null) {
            rule.table().refundShared(key);
        } else {
            rule.table().refund(key, limit, now);
        }
    }
}
