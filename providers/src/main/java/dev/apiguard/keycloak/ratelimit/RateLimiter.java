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

    /** The one key of a realm rule. */
    private static final String REALM_KEY = "realm";

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
        Endpoint endpoint = request.endpoint();
        Rule[] rules = policy.rules(endpoint);
        Decision decision = new Decision(policy, endpoint, rules.length);
        if (rules.length == 0) {
            return decision;
        }
        String literal = request.address();
        // An IPv4 address is parsed into a number (no allocation); other forms into bytes.
        long ipv4 = -1;
        byte[] bytes = null;
        if (literal != null && policy.needsAddress(endpoint)) {
            ipv4 = Addresses.ipv4Bits(literal);
            if (ipv4 < 0) {
                bytes = Addresses.parse(literal);
            }
            if (!policy.allowList.isEmpty() && (ipv4 >= 0 ? policy.allowListedIpv4(ipv4) : policy.allowListed(bytes))) {
                return decision;
            }
        }
        String addressKey = null;
        long[] outcomes = decision.outcomes;
        for (Rule rule : rules) {
            String key;
            switch (rule.key()) {
                case CLIENT -> key = request.clientId();
                case ADDRESS -> {
                    if (literal != null && addressKey == null) {
                        addressKey = ipv4 >= 0 ? Addresses.aggregateIpv4(ipv4) : Addresses.aggregate(literal, bytes);
                    }
                    key = addressKey;
                }
                case USERNAME ->
                    key = request.username() == null ? null : request.username().toLowerCase(Locale.ROOT);
                default -> key = REALM_KEY;
            }
            if (key == null) {
                continue;
            }
            Limit limit = rule.tiered() ? policy.tierLimit(request.tier()) : rule.limit();
            int i = decision.size++;
            int at = i * Outcomes.WIDTH;
            boolean admitted;
            if (shared == null) {
                admitted = local(rule, key, limit, now, outcomes, at);
            } else {
                try {
                    admitted = rule.failuresOnly()
                            ? rule.table().peekShared(key, limit, now, outcomes, at)
                            : rule.table()
                                    .takeShared(
                                            key, policy.sharedPrefix(rule), limit, now, false, shared, outcomes, at);
                } catch (RuntimeException e) {
                    // Shared state unreachable (a node leaving, a remote cache down): this node's share decides.
                    limit = fallback(limit, shared, e);
                    decision.local |= 1 << i;
                    admitted = local(rule, key, limit, now, outcomes, at);
                }
            }
            decision.rules[i] = rule;
            decision.keys[i] = key;
            decision.limits[i] = limit;
            if (!admitted) {
                if (rule.shadow()) {
                    decision.reports[i] = Decision.SHADOW_REFUSED;
                } else {
                    decision.reports[i] = Decision.REFUSED;
                    if (decision.refusedBy == null) {
                        decision.refusedBy = rule;
                    }
                    decision.retryAfterSeconds = Math.max(decision.retryAfterSeconds, outcomes[at + 2]);
                }
            } else if (outcomes[at] * 5 <= limit.capacity()
                    && rule.table().warnOnce(key, now, now + limit.toleranceNanos())) {
                decision.reports[i] = Decision.WARNING;
            }
        }
        if (decision.refused()) {
            for (int i = 0; i < decision.size; i++) {
                Rule rule = decision.rules[i];
                if (!rule.failuresOnly() && decision.admitted(i)) {
                    SharedSlots where = decision.decidedLocally(i) ? null : shared;
                    refund(rule, decision.keys[i], decision.limits[i], now, where);
                    // The fields report the bucket as the refusal leaves it.
                    if (where == null) {
                        rule.table().peek(decision.keys[i], decision.limits[i], now, outcomes, i * Outcomes.WIDTH);
                    } else {
                        rule.table()
                                .peekShared(decision.keys[i], decision.limits[i], now, outcomes, i * Outcomes.WIDTH);
                    }
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
                    // A rule decided locally (the shared state failed) is charged locally, to its share.
                    charge(
                            decision.policy,
                            rule,
                            decision.keys[i],
                            decision.limits[i],
                            now,
                            decision.decidedLocally(i) ? null : shared);
                }
            } else if (rule.key() == KeyKind.CLIENT && status == 401) {
                refund(rule, decision.keys[i], decision.limits[i], now, decision.decidedLocally(i) ? null : shared);
            }
        }
    }

    static void settle(Decision decision, int status, long now) {
        settle(decision, status, now, null);
    }

    /** Decides with this node's bucket: rules that count failures only look, the others take a unit. */
    private static boolean local(Rule rule, String key, Limit limit, long now, long[] out, int at) {
        return rule.failuresOnly()
                ? rule.table().peek(key, limit, now, out, at)
                : rule.table().take(key, limit, now, false, out, at);
    }

    /**
     * The limit this node applies alone while the shared state fails: its share of {@code limit}
     * among the nodes of the cluster view (the full limit when the cluster's size is unknown).
     * Logs the failure, at most once a minute.
     */
    private static Limit fallback(Limit limit, SharedSlots shared, RuntimeException failure) {
        int nodes;
        try {
            nodes = shared.nodes();
        } catch (RuntimeException e) {
            // The size cannot be read either: unknown, the full limit applies (and the log says so).
            nodes = 0;
        }
        SharedFailures.log(failure, nodes);
        return limit.share(nodes);
    }

    private static void charge(
            RateLimitPolicy policy, Rule rule, String key, Limit limit, long now, SharedSlots shared) {
        if (shared != null) {
            try {
                rule.table().takeShared(key, policy.sharedPrefix(rule), limit, now, true, shared, null, 0);
                return;
            } catch (RuntimeException e) {
                // See decide(): fall back to this node's share.
                limit = fallback(limit, shared, e);
            }
        }
        rule.table().chargeLocally(key, limit, now);
    }

    private static void refund(Rule rule, String key, Limit limit, long now, SharedSlots shared) {
        if (shared != null) {
            rule.table().refundShared(key);
        } else {
            rule.table().refund(key, limit, now);
        }
    }
}
