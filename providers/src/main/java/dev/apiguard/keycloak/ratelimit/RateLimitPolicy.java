package dev.apiguard.keycloak.ratelimit;

import java.util.Arrays;
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
    final TierRules tierRules;
    final List<Rule> rules;
    final int maxKeysPerRule;
    private final EnumMap<Endpoint, Rule[]> byEndpoint = new EnumMap<>(Endpoint.class);
    private final EnumMap<Endpoint, Boolean> needsAddress = new EnumMap<>(Endpoint.class);

    RateLimitPolicy(
            boolean shadow,
            List<Addresses.Cidr> allowList,
            Map<String, Limit> tiers,
            String defaultTier,
            TierRules tierRules,
            List<Rule> rules,
            int maxKeysPerRule) {
        this.shadow = shadow;
        this.allowList = List.copyOf(allowList);
        this.tiers = Map.copyOf(tiers);
        this.defaultTier = defaultTier;
        this.tierRules = tierRules;
        this.rules = List.copyOf(rules);
        this.maxKeysPerRule = maxKeysPerRule;
        for (Endpoint endpoint : Endpoint.values()) {
            Rule[] matching =
                    rules.stream().filter(r -> r.endpoints().contains(endpoint)).toArray(Rule[]::new);
            byEndpoint.put(endpoint, matching.length == 0 ? NONE : matching);
            needsAddress.put(
                    endpoint,
                    !this.allowList.isEmpty() || Arrays.stream(matching).anyMatch(r -> r.key() == KeyKind.ADDRESS));
        }
        name("apiguard-rl");
    }

    /**
     * Per rule (by index), the prefix of its shared names: {@code <namespace>:<rule>:}; a key and a
     * block number complete a name. Set by the store ({@link #name}), per realm and document version.
     */
    private volatile String[] sharedPrefixes;

    /** Names this document's shared buckets: {@code namespace} says realm id and document version. */
    void name(String namespace) {
        String[] prefixes = new String[rules.size()];
        for (Rule rule : rules) {
            prefixes[rule.index()] = namespace + ":" + rule.name() + ":";
        }
        sharedPrefixes = prefixes;
    }

    /** The prefix of the shared names of {@code rule}'s buckets (a key and {@code :<block>} complete one). */
    String sharedPrefix(Rule rule) {
        return sharedPrefixes[rule.index()];
    }

    /** Whether this node has logged the cluster size this document's fallback share is based on. */
    final java.util.concurrent.atomic.AtomicBoolean announced = new java.util.concurrent.atomic.AtomicBoolean();

    /** The rules that apply to {@code endpoint}, in document order; never {@code null}. */
    Rule[] rules(Endpoint endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** Whether a request of {@code endpoint} needs its address parsed: an allow-list or an address rule. */
    boolean needsAddress(Endpoint endpoint) {
        return needsAddress.get(endpoint);
    }

    /** Whether the IPv4 address {@code bits} ({@link Addresses#ipv4Bits}) is allow-listed. */
    boolean allowListedIpv4(long bits) {
        for (Addresses.Cidr cidr : allowList) {
            if (cidr.containsIpv4(bits)) {
                return true;
            }
        }
        return false;
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

    /**
     * The tier of a client for tiered rules, when its attribute names none that is defined: the
     * first of {@code tierRules} whose condition is true, or {@code null} (the default tier).
     */
    String selectTier(
            String clientId,
            Map<String, String> attributes,
            java.util.function.Supplier<List<String>> realmRoles,
            long nowMillis) {
        return tierRules.select(clientId, attributes, realmRoles, nowMillis);
    }

    /** Whether {@code tier} is defined by this document. */
    boolean definesTier(String tier) {
        return tier != null && tiers.containsKey(tier);
    }

    /** The limit of a tiered rule for a client whose tier attribute is {@code tier} (may be null or unknown). */
    Limit tierLimit(String tier) {
        Limit limit = tier == null ? null : tiers.get(tier);
        return limit != null ? limit : tiers.get(defaultTier);
    }
}
