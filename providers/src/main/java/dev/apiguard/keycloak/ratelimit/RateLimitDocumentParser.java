package dev.apiguard.keycloak.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apiguard.keycloak.common.JsonLimits;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks a rate-limit document and compiles it into a {@link RateLimitPolicy}. Every
 * problem is named with the path of the offending value and collected, so that one answer names
 * them all:
 * <ul>
 *   <li>one JSON object within {@link JsonLimits} and {@value #MAX_DOCUMENT_CHARS} characters;
 *       {@code apiVersion} {@value #API_VERSION}; no unknown field at any level;</li>
 *   <li>{@code mode}: {@code enforce} (default) or {@code shadow};</li>
 *   <li>{@code allowList}: IPv4 / IPv6 addresses or CIDR blocks;</li>
 *   <li>{@code tiers}: names (lower-case letters, digits, dashes) to {@code {capacity, rate}};
 *       {@code defaultTier} names a defined tier, and is required once a rule is tiered;</li>
 *   <li>{@code maxKeysPerRule}: the bound of each rule's map, {@value #MIN_KEYS} to
 *       {@value #MAX_KEYS} (default {@value #DEFAULT_KEYS});</li>
 *   <li>{@code rules}: 1 to {@value #MAX_RULES} rules with unique names; {@code key} one of
 *       {@code client}, {@code address}, {@code username}, {@code realm}; {@code endpoints} known
 *       endpoint names (default: every endpoint the key applies to); either {@code tiered: true}
 *       (client rules only) or {@code capacity} (1 to 10^9) and {@code rate} ({@code "N/s|m|h|d"},
 *       N 1 to 10^9); {@code count} {@code all} (default) or {@code failures}; {@code mode}.</li>
 * </ul>
 */
public final class RateLimitDocumentParser {

    static final String API_VERSION = "apiguard/v1";
    static final int MAX_DOCUMENT_CHARS = 100_000;
    static final int MAX_RULES = 32;
    static final int MAX_TIERS = 32;
    static final int MAX_ALLOW_LIST = 256;
    static final int MIN_KEYS = 1_024;
    static final int MAX_KEYS = 10_000_000;
    static final int DEFAULT_KEYS = 100_000;
    static final long MAX_UNITS = 1_000_000_000L;

    /** Endpoints a username rule may name: where a username is posted. */
    static final Set<Endpoint> USERNAME_ENDPOINTS = EnumSet.of(Endpoint.TOKEN, Endpoint.LOGIN);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,10})/([smhd])");
    private static final Set<String> TOP_FIELDS =
            Set.of("apiVersion", "mode", "allowList", "tiers", "defaultTier", "tierRules", "maxKeysPerRule", "rules");
    private static final Set<String> TIER_RULE_FIELDS = Set.of("when", "tier", "description");
    private static final Set<String> TIER_FIELDS = Set.of("capacity", "rate", "description");
    private static final Set<String> RULE_FIELDS =
            Set.of("name", "description", "key", "endpoints", "tiered", "capacity", "rate", "count", "mode");

    private RateLimitDocumentParser() {}

    /** Thrown with every problem of a document. */
    public static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static RateLimitPolicy parse(String json) throws Invalid {
        JsonNode root;
        try {
            root = JsonLimits.read(json, MAX_DOCUMENT_CHARS, "document");
        } catch (JsonLimits.Invalid e) {
            throw new Invalid(e.problems());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of("document: must be a JSON object"));
        }
        List<String> errors = new ArrayList<>();
        unknownFields(root, TOP_FIELDS, "", errors);
        JsonNode apiVersion = root.get("apiVersion");
        if (apiVersion == null) {
            errors.add("apiVersion: missing, must be \"" + API_VERSION + "\"");
        } else if (!apiVersion.isTextual() || !API_VERSION.equals(apiVersion.asText())) {
            errors.add("apiVersion: must be \"" + API_VERSION + "\", was " + apiVersion);
        }
        boolean shadow = mode(root.get("mode"), "mode", false, errors);

        List<Addresses.Cidr> allowList = new ArrayList<>();
        JsonNode allow = root.get("allowList");
        if (allow != null && !allow.isNull()) {
            if (!allow.isArray()) {
                errors.add("allowList: must be a list of addresses or CIDR blocks");
            } else if (allow.size() > MAX_ALLOW_LIST) {
                errors.add("allowList: " + allow.size() + " entries, at most " + MAX_ALLOW_LIST + " allowed");
            } else {
                for (int i = 0; i < allow.size(); i++) {
                    JsonNode entry = allow.get(i);
                    String[] problem = new String[1];
                    Addresses.Cidr cidr =
                            entry.isTextual() ? Addresses.cidr(entry.asText().trim(), problem) : null;
                    if (cidr == null) {
                        errors.add("allowList[" + i + "]: "
                                + (problem[0] != null ? problem[0] : "must be an address or CIDR block string"));
                    } else {
                        allowList.add(cidr);
                    }
                }
            }
        }

        Map<String, Limit> tiers = new LinkedHashMap<>();
        JsonNode tierNode = root.get("tiers");
        if (tierNode != null && !tierNode.isNull()) {
            if (!tierNode.isObject()) {
                errors.add("tiers: must be an object of tier name to {capacity, rate}");
            } else if (tierNode.size() > MAX_TIERS) {
                errors.add("tiers: " + tierNode.size() + " tiers, at most " + MAX_TIERS + " allowed");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = tierNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    String path = "tiers." + entry.getKey();
                    if (!NAME.matcher(entry.getKey()).matches()) {
                        errors.add(path + ": the tier name must be 1 to 63 lower-case letters, digits or dashes");
                    }
                    if (!entry.getValue().isObject()) {
                        errors.add(path + ": must be an object {capacity, rate}");
                        continue;
                    }
                    unknownFields(entry.getValue(), TIER_FIELDS, path + ".", errors);
                    description(entry.getValue().get("description"), path + ".description", errors);
                    Limit limit = limit(entry.getValue(), path, errors);
                    if (limit != null) {
                        tiers.put(entry.getKey(), limit);
                    }
                }
            }
        }

        String defaultTier = null;
        JsonNode defaultNode = root.get("defaultTier");
        if (defaultNode != null && !defaultNode.isNull()) {
            if (!defaultNode.isTextual()) {
                errors.add("defaultTier: must be the name of a tier");
            } else {
                defaultTier = defaultNode.asText();
                List<String> defined = new ArrayList<>();
                if (tierNode != null && tierNode.isObject()) {
                    tierNode.fieldNames().forEachRemaining(defined::add);
                }
                if (!defined.contains(defaultTier)) {
                    errors.add("defaultTier: \"" + defaultTier + "\" is not defined in tiers (defined: "
                            + String.join(", ", defined) + ")");
                }
            }
        }

        int maxKeys = DEFAULT_KEYS;
        JsonNode keysNode = root.get("maxKeysPerRule");
        if (keysNode != null && !keysNode.isNull()) {
            if (!keysNode.canConvertToInt()
                    || !keysNode.isIntegralNumber()
                    || keysNode.asInt() < MIN_KEYS
                    || keysNode.asInt() > MAX_KEYS) {
                errors.add("maxKeysPerRule: must be a whole number from " + MIN_KEYS + " to " + MAX_KEYS + ", was "
                        + keysNode);
            } else {
                maxKeys = keysNode.asInt();
            }
        }

        List<Rule> rules = new ArrayList<>();
        JsonNode list = root.get("rules");
        if (list == null || list.isNull()) {
            errors.add("rules: missing, must list 1 to " + MAX_RULES + " rules");
        } else if (!list.isArray()) {
            errors.add("rules: must be a list");
        } else if (list.isEmpty() || list.size() > MAX_RULES) {
            errors.add("rules: " + list.size() + " rules, 1 to " + MAX_RULES + " allowed");
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Rule rule = rule(list.get(i), "rules[" + i + "]", names, shadow, maxKeys, rules.size(), errors);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            if (defaultTier == null && rules.stream().anyMatch(Rule::tiered)) {
                errors.add("defaultTier: missing, a tiered rule needs the tier of clients that name none");
            }
        }
        TierRules tierRules = tierRules(root.get("tierRules"), tierNode, rules, errors);
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        return new RateLimitPolicy(shadow, allowList, tiers, defaultTier, tierRules, rules, maxKeys);
    }

    /**
     * {@code tierRules}: a list of {@code {when, tier, description}}; each {@code when} a CEL
     * condition on the client ({@link TierRules}), each {@code tier} defined in {@code tiers}; only
     * with a tiered rule (otherwise a tier decides nothing).
     */
    private static TierRules tierRules(JsonNode node, JsonNode tierNode, List<Rule> rules, List<String> errors) {
        if (node == null || node.isNull()) {
            return TierRules.NONE;
        }
        if (!node.isArray()) {
            errors.add("tierRules: must be a list of {when, tier}");
            return TierRules.NONE;
        }
        if (node.isEmpty() || node.size() > TierRules.MAX_TIER_RULES) {
            errors.add("tierRules: " + node.size() + " rules, 1 to " + TierRules.MAX_TIER_RULES + " allowed");
            return TierRules.NONE;
        }
        if (rules.stream().noneMatch(Rule::tiered)) {
            errors.add("tierRules: no rule is tiered, so a client's tier decides nothing; add \"tiered\": true to a "
                    + "client rule or remove tierRules");
        }
        List<TierRules.TierRule> compiled = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tierRules[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                errors.add(path + ": must be an object {when, tier}");
                continue;
            }
            unknownFields(entry, TIER_RULE_FIELDS, path + ".", errors);
            description(entry.get("description"), path + ".description", errors);
            String tier = text(entry.get("tier"), path + ".tier", errors);
            if (tier != null && (tierNode == null || !tierNode.isObject() || !tierNode.has(tier))) {
                errors.add(path + ".tier: \"" + tier + "\" is not defined in tiers");
            }
            String when = text(entry.get("when"), path + ".when", errors);
            if (when != null && when.length() > TierRules.MAX_CONDITION_CHARS) {
                errors.add(path + ".when: " + when.length() + " characters, at most " + TierRules.MAX_CONDITION_CHARS
                        + " allowed");
                continue;
            }
            var program = when == null ? null : TierRules.compile(when, path + ".when", errors);
            if (program != null && tier != null) {
                compiled.add(new TierRules.TierRule(when, program, tier));
            }
        }
        return new TierRules(compiled);
    }

    private static Rule rule(
            JsonNode node,
            String path,
            Set<String> names,
            boolean documentShadow,
            int maxKeys,
            int index,
            List<String> errors) {
        if (!node.isObject()) {
            errors.add(path + ": must be an object");
            return null;
        }
        int before = errors.size();
        unknownFields(node, RULE_FIELDS, path + ".", errors);
        String name = text(node.get("name"), path + ".name", errors);
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                errors.add(path + ".name: \"" + name + "\" must be 1 to 63 lower-case letters, digits or dashes");
            } else if (!names.add(name)) {
                errors.add(path + ".name: \"" + name + "\" is used by an earlier rule");
            }
        }
        description(node.get("description"), path + ".description", errors);
        KeyKind key = null;
        String rawKey = text(node.get("key"), path + ".key", errors);
        if (rawKey != null) {
            key = KeyKind.ofDocumentName(rawKey);
            if (key == null) {
                errors.add(path + ".key: must be client, address, username or realm, was \"" + rawKey + "\"");
            }
        }
        Set<Endpoint> endpoints = EnumSet.noneOf(Endpoint.class);
        JsonNode endpointNode = node.get("endpoints");
        if (endpointNode == null || endpointNode.isNull()) {
            endpoints.addAll(key == KeyKind.USERNAME ? USERNAME_ENDPOINTS : EnumSet.allOf(Endpoint.class));
        } else if (!endpointNode.isArray() || endpointNode.isEmpty()) {
            errors.add(path + ".endpoints: must be a non-empty list of endpoint names");
        } else {
            for (int i = 0; i < endpointNode.size(); i++) {
                JsonNode value = endpointNode.get(i);
                Endpoint endpoint = value.isTextual() ? Endpoint.ofDocumentName(value.asText()) : null;
                if (endpoint == null) {
                    errors.add(path + ".endpoints[" + i + "]: must be one of " + endpointNames() + ", was " + value);
                } else if (key == KeyKind.USERNAME && !USERNAME_ENDPOINTS.contains(endpoint)) {
                    errors.add(path + ".endpoints[" + i + "]: a username rule applies to token and login only, was "
                            + value);
                } else {
                    endpoints.add(endpoint);
                }
            }
        }
        boolean tiered = false;
        JsonNode tieredNode = node.get("tiered");
        if (tieredNode != null && !tieredNode.isNull()) {
            if (!tieredNode.isBoolean()) {
                errors.add(path + ".tiered: must be true or false");
            } else {
                tiered = tieredNode.asBoolean();
            }
        }
        Limit limit = null;
        boolean hasLimit = node.has("capacity") || node.has("rate");
        if (tiered) {
            if (key != null && key != KeyKind.CLIENT) {
                errors.add(path + ".tiered: only a client rule can be tiered, this rule's key is " + rawKey);
            }
            if (hasLimit) {
                errors.add(path + ": a tiered rule takes its capacity and rate from the client's tier; remove them");
            }
        } else {
            limit = limit(node, path, errors);
        }
        boolean failuresOnly = false;
        JsonNode count = node.get("count");
        if (count != null && !count.isNull()) {
            if (count.isTextual() && "failures".equals(count.asText())) {
                failuresOnly = true;
            } else if (!count.isTextual() || !"all".equals(count.asText())) {
                errors.add(path + ".count: must be \"all\" or \"failures\", was " + count);
            }
        }
        boolean shadow = mode(node.get("mode"), path + ".mode", documentShadow, errors);
        if (errors.size() > before) {
            return null;
        }
        return new Rule(name, key, endpoints, limit, tiered, failuresOnly, shadow, new BucketTable(maxKeys), index);
    }

    private static Limit limit(JsonNode node, String path, List<String> errors) {
        JsonNode capacity = node.get("capacity");
        JsonNode rate = node.get("rate");
        long units = 0;
        if (capacity == null || capacity.isNull()) {
            errors.add(path + ".capacity: missing, the burst a full bucket admits (1 to " + MAX_UNITS + ")");
        } else if (!capacity.isIntegralNumber() || capacity.asLong() < 1 || capacity.asLong() > MAX_UNITS) {
            errors.add(path + ".capacity: must be a whole number from 1 to " + MAX_UNITS + ", was " + capacity);
        } else {
            units = capacity.asLong();
        }
        long count = 0;
        long period = 0;
        if (rate == null || rate.isNull()) {
            errors.add(path + ".rate: missing, the refill rate as \"N/s\", \"N/m\", \"N/h\" or \"N/d\"");
        } else {
            Matcher matcher = rate.isTextual() ? RATE.matcher(rate.asText()) : null;
            if (matcher == null || !matcher.matches()) {
                errors.add(path + ".rate: must be \"N/s\", \"N/m\", \"N/h\" or \"N/d\" (N from 1 to " + MAX_UNITS
                        + "), was " + rate);
            } else {
                count = Long.parseLong(matcher.group(1));
                period = switch (matcher.group(2)) {
                    case "s" -> 1;
                    case "m" -> 60;
                    case "h" -> 3600;
                    default -> 86400;
                };
                if (count < 1 || count > MAX_UNITS) {
                    errors.add(path + ".rate: N must be from 1 to " + MAX_UNITS + ", was " + rate);
                    count = 0;
                }
            }
        }
        return units > 0 && count > 0 ? new Limit(units, count, period) : null;
    }

    private static boolean mode(JsonNode node, String path, boolean inherited, List<String> errors) {
        if (node == null || node.isNull()) {
            return inherited;
        }
        if (node.isTextual() && "shadow".equals(node.asText())) {
            return true;
        }
        if (node.isTextual() && "enforce".equals(node.asText())) {
            return false;
        }
        errors.add(path + ": must be \"enforce\" or \"shadow\", was " + node);
        return inherited;
    }

    private static void description(JsonNode node, String path, List<String> errors) {
        if (node != null && !node.isNull() && !node.isTextual()) {
            errors.add(path + ": must be a string");
        }
    }

    private static String text(JsonNode node, String path, List<String> errors) {
        if (node == null || node.isNull()) {
            errors.add(path + ": missing");
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            errors.add(path + ": must be a non-blank string");
            return null;
        }
        return node.asText();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!known.contains(field)) {
                errors.add(prefix + field + ": unknown field (allowed: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String endpointNames() {
        StringBuilder names = new StringBuilder();
        for (Endpoint endpoint : Endpoint.values()) {
            names.append(names.isEmpty() ? "" : ", ").append(endpoint.documentName());
        }
        return names.toString();
    }
}
