package dev.apiguard.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apiguard.keycloak.common.JsonLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A realm's alert thresholds: the document in the realm attribute {@value #ATTRIBUTE}
 * ({@code apiVersion} {@value #API_VERSION}), or {@link #DEFAULTS} when the realm has none.
 * {@link #parse} checks, and names every problem with its path:
 * <ul>
 *   <li>one JSON object within {@link JsonLimits} and {@value #MAX_DOCUMENT_CHARS} characters;
 *       {@code apiVersion}; no unknown field at any level;</li>
 *   <li>{@code enabled} (boolean, default true): false turns every detector of the realm off;</li>
 *   <li>{@code detectors}: detector name to settings; a detector not named keeps its defaults;
 *       each takes {@code enabled} and {@code severity} ({@code low}, {@code medium}, {@code high},
 *       {@code critical}); counting detectors take {@code threshold} (1 to the detector's
 *       maximum) and {@code window} ({@code "Ns|m|h"}, 1 s to 24 h); {@code password-spraying}
 *       also {@code maxAttemptsPerUser} (1 to 100); {@code token-errors} {@code per}
 *       ({@code client} or {@code realm}); {@code client-redirect} {@code allowPathWildcard}
 *       (boolean) and {@code redirectBaseline} (up to 64 absolute URI prefixes);
 *       {@code admin-role-grant} {@code roles} (1 to 64 role names).</li>
 * </ul>
 */
public record AlertPolicy(boolean enabled, Map<String, Detector> detectors) {

    public static final String ATTRIBUTE = "apiguard.auditAlerts";
    static final String API_VERSION = "apiguard/v1";
    static final int MAX_DOCUMENT_CHARS = 65_536;
    static final long MAX_WINDOW_MILLIS = 24 * 3_600_000L;
    static final int MAX_LIST = 64;

    public static final String CREDENTIAL_STUFFING = "credential-stuffing";
    public static final String PASSWORD_SPRAYING = "password-spraying";
    public static final String USER_FAILURES = "user-failures";
    public static final String TOKEN_ERRORS = "token-errors";
    public static final String REFRESH_TOKEN_REUSE = "refresh-token-reuse";
    public static final String CLIENT_REDIRECT = "client-redirect";
    public static final String ADMIN_ROLE_GRANT = "admin-role-grant";
    public static final String SECOND_FACTOR_REMOVED = "second-factor-removed";
    public static final String RATE_LIMIT_SPIKE = "rate-limit-spike";

    /** The detector names, in the order of the documentation. */
    public static final List<String> NAMES = List.of(
            CREDENTIAL_STUFFING,
            PASSWORD_SPRAYING,
            USER_FAILURES,
            TOKEN_ERRORS,
            REFRESH_TOKEN_REUSE,
            CLIENT_REDIRECT,
            ADMIN_ROLE_GRANT,
            SECOND_FACTOR_REMOVED,
            RATE_LIMIT_SPIKE);

    static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    /** Roles whose grant is an alert unless a document names others: Keycloak's realm-management roles and "admin". */
    static final List<String> DEFAULT_ADMIN_ROLES = List.of(
            "admin",
            "realm-admin",
            "manage-realm",
            "manage-users",
            "manage-clients",
            "manage-authorization",
            "manage-events",
            "manage-identity-providers",
            "impersonation",
            "create-client",
            "create-realm");

    /** One detector's settings; fields that do not apply to the detector keep their default and are refused in documents. */
    public record Detector(
            boolean enabled,
            String severity,
            int threshold,
            long windowMillis,
            int maxAttemptsPerUser,
            String per,
            boolean allowPathWildcard,
            List<String> redirectBaseline,
            Set<String> roles) {}

    /** Defaults and allowed ranges of one detector. */
    private record Spec(Detector defaults, int maxThreshold, Set<String> fields) {}

    private static final Set<String> COMMON = Set.of("enabled", "severity");
    private static final Set<String> COUNTING = Set.of("enabled", "severity", "threshold", "window");

    private static final Map<String, Spec> SPECS = specs();

    /** Every detector on, with its default thresholds. */
    public static final AlertPolicy DEFAULTS = new AlertPolicy(true, defaults());

    private static final Pattern ABSOLUTE = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.+");
    private static final Pattern WINDOW = Pattern.compile("([0-9]{1,6})([smh])");
    private static final Set<String> TOP_FIELDS = Set.of("apiVersion", "enabled", "detectors");

    private static Map<String, Spec> specs() {
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put(CREDENTIAL_STUFFING, new Spec(counting("high", 10, 300), 1_000, COUNTING));
        specs.put(
                PASSWORD_SPRAYING,
                new Spec(
                        new Detector(true, "medium", 20, 3_600_000L, 2, null, true, List.of(), Set.of()),
                        1_000,
                        union(COUNTING, Set.of("maxAttemptsPerUser"))));
        specs.put(USER_FAILURES, new Spec(counting("medium", 5, 900), 10_000, COUNTING));
        specs.put(
                TOKEN_ERRORS,
                new Spec(
                        new Detector(true, "medium", 50, 60_000L, 0, "client", true, List.of(), Set.of()),
                        1_000_000,
                        union(COUNTING, Set.of("per"))));
        specs.put(REFRESH_TOKEN_REUSE, new Spec(counting("high", 1, 600), 1_000, COUNTING));
        specs.put(
                CLIENT_REDIRECT,
                new Spec(
                        new Detector(true, "high", 1, 0, 0, null, true, List.of(), Set.of()),
                        1,
                        union(COMMON, Set.of("allowPathWildcard", "redirectBaseline"))));
        specs.put(
                ADMIN_ROLE_GRANT,
                new Spec(
                        new Detector(true, "high", 1, 0, 0, null, true, List.of(), Set.copyOf(DEFAULT_ADMIN_ROLES)),
                        1,
                        union(COMMON, Set.of("roles"))));
        specs.put(
                SECOND_FACTOR_REMOVED,
                new Spec(new Detector(true, "medium", 1, 0, 0, null, true, List.of(), Set.of()), 1, COMMON));
        specs.put(RATE_LIMIT_SPIKE, new Spec(counting("medium", 100, 60), 1_000_000, COUNTING));
        return Map.copyOf(specs);
    }

    private static Detector counting(String severity, int threshold, long windowSeconds) {
        return new Detector(true, severity, threshold, windowSeconds * 1000L, 0, null, true, List.of(), Set.of());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static Map<String, Detector> defaults() {
        Map<String, Detector> detectors = new LinkedHashMap<>();
        for (String name : NAMES) {
            detectors.put(name, SPECS.get(name).defaults());
        }
        return Map.copyOf(detectors);
    }

    /** The settings of detector {@code name} when it is on, else null. */
    public Detector on(String name) {
        Detector detector = detectors.get(name);
        return enabled && detector != null && detector.enabled() ? detector : null;
    }

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

    public static AlertPolicy parse(String json) throws Invalid {
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
        boolean enabled = bool(root.get("enabled"), "enabled", true, errors);
        Map<String, Detector> detectors = new LinkedHashMap<>(defaults());
        JsonNode list = root.get("detectors");
        if (list != null && !list.isNull()) {
            if (!list.isObject()) {
                errors.add("detectors: must be an object of detector name to settings");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    String path = "detectors." + entry.getKey();
                    Spec spec = SPECS.get(entry.getKey());
                    if (spec == null) {
                        errors.add(path + ": unknown detector (known: " + String.join(", ", NAMES) + ")");
                        continue;
                    }
                    if (!entry.getValue().isObject()) {
                        errors.add(path + ": must be an object");
                        continue;
                    }
                    detectors.put(entry.getKey(), detector(entry.getValue(), spec, path, errors));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        return new AlertPolicy(enabled, Map.copyOf(detectors));
    }

    private static Detector detector(JsonNode node, Spec spec, String path, List<String> errors) {
        Detector d = spec.defaults();
        unknownFields(node, spec.fields(), path + ".", errors);
        boolean enabled = bool(node.get("enabled"), path + ".enabled", d.enabled(), errors);
        String severity = d.severity();
        JsonNode sev = node.get("severity");
        if (sev != null) {
            if (!sev.isTextual() || !SEVERITIES.contains(sev.asText())) {
                errors.add(path + ".severity: must be one of " + String.join(", ", SEVERITIES) + ", was " + sev);
            } else {
                severity = sev.asText();
            }
        }
        int threshold = d.threshold();
        JsonNode t = node.get("threshold");
        if (t != null) {
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 1 || t.asInt() > spec.maxThreshold()) {
                errors.add(path + ".threshold: must be a whole number from 1 to " + spec.maxThreshold() + ", was " + t);
            } else {
                threshold = t.asInt();
            }
        }
        long window = d.windowMillis();
        JsonNode w = node.get("window");
        if (w != null) {
            Matcher m = w.isTextual() ? WINDOW.matcher(w.asText()) : null;
            long millis = -1;
            if (m != null && m.matches()) {
                long unit = switch (m.group(2)) {
                    case "s" -> 1000L;
                    case "m" -> 60_000L;
                    default -> 3_600_000L;
                };
                millis = Long.parseLong(m.group(1)) * unit;
            }
            if (millis < 1000 || millis > MAX_WINDOW_MILLIS) {
                errors.add(path + ".window: must be \"N\" followed by s, m or h, from 1s to 24h, was " + w);
            } else {
                window = millis;
            }
        }
        int maxAttempts = d.maxAttemptsPerUser();
        JsonNode a = node.get("maxAttemptsPerUser");
        if (a != null) {
            if (!a.isIntegralNumber() || !a.canConvertToInt() || a.asInt() < 1 || a.asInt() > 100) {
                errors.add(path + ".maxAttemptsPerUser: must be a whole number from 1 to 100, was " + a);
            } else {
                maxAttempts = a.asInt();
            }
        }
        String per = d.per();
        JsonNode p = node.get("per");
        if (p != null) {
            if (!p.isTextual() || !(p.asText().equals("client") || p.asText().equals("realm"))) {
                errors.add(path + ".per: must be client or realm, was " + p);
            } else {
                per = p.asText();
            }
        }
        boolean allowPathWildcard =
                bool(node.get("allowPathWildcard"), path + ".allowPathWildcard", d.allowPathWildcard(), errors);
        List<String> baseline = d.redirectBaseline();
        JsonNode b = node.get("redirectBaseline");
        if (b != null) {
            List<String> prefixes = strings(b, path + ".redirectBaseline", errors);
            for (int i = 0; i < prefixes.size(); i++) {
                String prefix = prefixes.get(i);
                if (prefix.contains("*") || !ABSOLUTE.matcher(prefix).matches()) {
                    errors.add(path + ".redirectBaseline[" + i + "]: must be an absolute URI prefix without"
                            + " wildcard, was \"" + cut(prefix) + "\"");
                }
            }
            baseline = List.copyOf(prefixes);
        }
        Set<String> roles = d.roles();
        JsonNode r = node.get("roles");
        if (r != null) {
            List<String> names = strings(r, path + ".roles", errors);
            if (names.isEmpty() && r.isArray()) {
                errors.add(path + ".roles: must name 1 to " + MAX_LIST + " roles (disable the detector instead)");
            }
            roles = Set.copyOf(names);
        }
        return new Detector(enabled, severity, threshold, window, maxAttempts, per, allowPathWildcard, baseline, roles);
    }

    private static List<String> strings(JsonNode node, String path, List<String> errors) {
        List<String> out = new ArrayList<>();
        if (!node.isArray()) {
            errors.add(path + ": must be a list of strings");
            return out;
        }
        if (node.size() > MAX_LIST) {
            errors.add(path + ": " + node.size() + " entries, at most " + MAX_LIST + " allowed");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isTextual() || entry.asText().isBlank() || entry.asText().length() > 255) {
                errors.add(path + "[" + i + "]: must be a non-blank string of at most 255 characters");
            } else {
                out.add(entry.asText());
            }
        }
        return out;
    }

    private static boolean bool(JsonNode node, String path, boolean otherwise, List<String> errors) {
        if (node == null) {
            return otherwise;
        }
        if (!node.isBoolean()) {
            errors.add(path + ": must be true or false, was " + node);
            return otherwise;
        }
        return node.asBoolean();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                errors.add(prefix + cut(name) + ": unknown field (allowed: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

    private static String cut(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
