package dev.apiguard.keycloak.ratelimit;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A realm's compiled rate-limit document: immutable apart from its rules' buckets, built once per
 * saved document text and node by {@link RateLimitDocumentParser}.
 */
public final class RateLimitPolicy {

    private static final Rule[] NONE = new Rule[0];

    final boolean shadow;
    final List<Addresses.Cidr> allowList;
    final Map<String, Limit> tiers;
    final String defaultTier;
    final List<Rule> rules;
    final int maxKeysPerRule;
    private final EnumMap<Endpoint, Rule[]> byEndpoint = new EnumMap<>(Endpoint.class);

    RateLimitPolicy(
            boolean shadow,
            List<Addresses.Cidr> allowList,
            Map<String, Limit> tiers,
            String defaultTier,
            List<Rule> rules,
            int maxKeysPerRule) {
        this.shadow = shadow;
        this.allowList = List.copyOf(allowList);
        this.tiers = Map.copyOf(tiers);
        this.defaultTier = defaultTier;
        this.rules = List.copyOf(rules);
        this.maxKeysPerRule = maxKeysPerRule;
        for (Endpoint endpoint : Endpoint.values()) {
            Rule[] matching =
                    rules.stream().filter(r -> r.endpoints().contains(endpoint)).toArray(Rule[]::new);
            byEndpoint.put(endpoint, matching.length == 0 ? NONE : matching);
        }
    }

    /** Set by the store: names this document's shared buckets (realm id and document version). */
    volatile String namespace = "apiguard-rl";

    /** The shared name of {@code key}'s bucket of {@code rule}, without the block number. */
    String sharedName(Rule rule, String key) {
        return namespace + ":" + rule.name() + ":" + key;
    }

    /** The rules that apply to {@code endpoint}, in document order; never {@code null}. */
    Rule[] rules(Endpoint endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** Whether {@code address} (bytes, 4 or 16) is allow-listed. */
    boolean allowListed(byte[] address) {
        if (address == null) {
            return false;
        }
        for (Addresses.Cidr cidr : allowList) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The limit of a tiered rule for a client whose tier attribute is {@code tier} (may be null or unknown). */
    Limit tierLimit(String tier) {
        Limit limit = tier == null ? null : tiers.get(tier);
        return limit != null ? limit : tiers.get(defaultTier);
    }
}
