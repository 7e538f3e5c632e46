package dev.apiguard.keycloak.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apiguard.keycloak.common.JsonLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A realm's key-rotation policy: immutable, and checked in one place, its constructor: every
 * instance, parsed ({@link #parse(String)}) or built in code, satisfies its own rules (or the
 * constructor throws {@link PolicyException} naming each broken rule with its values).
 *
 * <p>Stored as JSON in the realm attribute {@value #REALM_ATTRIBUTE} (so it lives in the
 * database with the realm, travels with realm exports and realm-config). Rotation is opt-in: a
 * realm without the attribute follows the server's default policy when the operator set one
 * ({@code --spi-apiguard-key-rotation--default--default-policy}), and otherwise {@link #NONE}:
 * nothing is rotated and Keycloak's JWKS header stays ({@link #effective}). Fields a stored policy
 * leaves out take {@link #DEFAULT}'s values. Checks that need the realm's token and session
 * lifetimes live in {@link RetirementNeeds}.
 *
 * @param enabled             whether the schedule rotates this realm's keys
 * @param rotationPeriod      seconds a key signs before the next one takes over
 * @param prePublication      seconds the next key is in the JWKS, verifying only, before it signs
 * @param retirement          seconds a signing key (ES256, RS256, ...) still verifies after it
 *                            stopped signing, then it is deleted
 * @param secretKeyRetirement the same for the realm's HMAC and AES keys, which sign refresh
 *                            tokens, action tokens and cookies: they must outlive sessions
 * @param jwksMaxAge          the {@code Cache-Control: max-age} the realm's JWKS advertises
 * @param clockSkew           added to every lifetime a retired key must outlive
 */
public record RotationPolicy(
        boolean enabled,
        long rotationPeriod,
        long prePublication,
        long retirement,
        long secretKeyRetirement,
        long jwksMaxAge,
        long clockSkew) {

    /** Realm attribute holding the policy as JSON. */
    public static final String REALM_ATTRIBUTE = "apiguard.keyRotation";

    /**
     * The values a stored policy's omitted fields take, Okta / Duende practice: 90 days signing,
     * announced 14 days ahead, kept 14 days after. A realm follows it only when it stores a
     * policy (even {@code {}}) or the server's default policy says so: never by default.
     */
    public static final RotationPolicy DEFAULT =
            new RotationPolicy(true, 90 * 86_400L, 14 * 86_400L, 14 * 86_400L, 14 * 86_400L, 3_600L, 60L);

    /** What a realm that has not adopted key rotation follows: {@link #DEFAULT}'s periods, switched off. */
    public static final RotationPolicy NONE = new RotationPolicy(
            false,
            DEFAULT.rotationPeriod,
            DEFAULT.prePublication,
            DEFAULT.retirement,
            DEFAULT.secretKeyRetirement,
            DEFAULT.jwksMaxAge,
            DEFAULT.clockSkew);

    /** Where the policy a realm follows comes from; the admin API shows it as {@code policySource}. */
    public enum Source {
        /** The realm's own attribute. */
        REALM("realm"),
        /** The server option {@code default-policy}, for a realm without the attribute. */
        SERVER_DEFAULT("server-default"),
        /** Neither: the realm has not adopted key rotation, nothing is rotated. */
        NONE("none");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Where the policy of a realm storing {@code stored} (null or blank: nothing) comes from. */
        public static Source of(String stored, RotationPolicy serverDefault) {
            if (stored != null && !stored.isBlank()) {
                return REALM;
            }
            return serverDefault != null ? SERVER_DEFAULT : NONE;
        }
    }

    /**
     * The policy a realm follows: its stored policy {@code stored} when it has one, else
     * {@code serverDefault} (null when the operator set none), else {@link #NONE}.
     *
     * @throws PolicyException when the stored policy is unreadable
     */
    public static RotationPolicy effective(String stored, RotationPolicy serverDefault) {
        return switch (Source.of(stored, serverDefault)) {
            case REALM -> parse(stored);
            case SERVER_DEFAULT -> serverDefault;
            case NONE -> NONE;
        };
    }

    static final Set<String> FIELDS = Set.of(
            "enabled",
            "rotationPeriod",
            "prePublication",
            "retirement",
            "secretKeyRetirement",
            "jwksMaxAge",
            "clockSkew");

    /** The longest policy text accepted, in characters (a complete policy is about 250). */
    public static final int MAX_CHARS = 16_384;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SECONDS = 10L * 365 * 86_400;

    /** @throws PolicyException when the values break a rule that needs nothing but the policy itself */
    public RotationPolicy {
        checkOwnRules(rotationPeriod, prePublication, retirement, secretKeyRetirement, jwksMaxAge);
    }

    /** Reads a policy; fields left out take {@link #DEFAULT}'s values. */
    public static RotationPolicy parse(String json) {
        JsonNode root;
        try {
            root = JsonLimits.read(json, MAX_CHARS, "the policy");
        } catch (JsonLimits.Invalid e) {
            throw new PolicyException(e.problems());
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException(List.of("the policy must be a JSON object"));
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add("unknown field '" + name + "' (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        boolean enabled = DEFAULT.enabled;
        JsonNode enabledNode = root.get("enabled");
        if (enabledNode != null) {
            if (enabledNode.isBoolean()) {
                enabled = enabledNode.booleanValue();
            } else {
                problems.add("enabled must be true or false, was " + enabledNode);
            }
        }
        long rotation = seconds(root, "rotationPeriod", DEFAULT.rotationPeriod, problems);
        long prePublication = seconds(root, "prePublication", DEFAULT.prePublication, problems);
        long retirement = seconds(root, "retirement", DEFAULT.retirement, problems);
        long secretRetirement = seconds(root, "secretKeyRetirement", DEFAULT.secretKeyRetirement, problems);
        long jwksMaxAge = seconds(root, "jwksMaxAge", DEFAULT.jwksMaxAge, problems);
        long clockSkew = seconds(root, "clockSkew", DEFAULT.clockSkew, problems);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new RotationPolicy(
                enabled, rotation, prePublication, retirement, secretRetirement, jwksMaxAge, clockSkew);
    }

    /** The rules that need nothing but the policy itself. */
    private static void checkOwnRules(
            long rotationPeriod, long prePublication, long retirement, long secretKeyRetirement, long jwksMaxAge) {
        List<String> problems = new ArrayList<>();
        if (rotationPeriod < 1) {
            problems.add("rotationPeriod must be at least 1 second, was " + Durations.format(rotationPeriod));
        }
        if (retirement < 1) {
            problems.add("retirement must be at least 1 second, was " + Durations.format(retirement));
        }
        if (secretKeyRetirement < 1) {
            problems.add("secretKeyRetirement must be at least 1 second, was " + Durations.format(secretKeyRetirement));
        }
        if (prePublication >= rotationPeriod) {
            problems.add("prePublication " + Durations.format(prePublication) + " must be shorter than rotationPeriod "
                    + Durations.format(rotationPeriod)
                    + " (the next key is published during the current key's period)");
        }
        if (prePublication < jwksMaxAge) {
            problems.add("prePublication " + Durations.format(prePublication) + " is shorter than jwksMaxAge "
                    + Durations.format(jwksMaxAge)
                    + ": a client that cached the JWKS would not know the next key when it starts signing");
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
    }

    /** The JSON stored in the realm attribute and shown by the admin API. */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("enabled", enabled);
        asStrings().forEach(node::put);
        return node;
    }

    String toJsonString() {
        return toJson().toString();
    }

    /** Durations rendered as ISO-8601, in a stable order. */
    Map<String, String> asStrings() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("rotationPeriod", Durations.format(rotationPeriod));
        values.put("prePublication", Durations.format(prePublication));
        values.put("retirement", Durations.format(retirement));
        values.put("secretKeyRetirement", Durations.format(secretKeyRetirement));
        values.put("jwksMaxAge", Durations.format(jwksMaxAge));
        values.put("clockSkew", Durations.format(clockSkew));
        return values;
    }

    private static long seconds(JsonNode root, String field, long fallback, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        long value;
        try {
            if (node.isIntegralNumber()) {
                if (!node.canConvertToLong()) {
                    throw new IllegalArgumentException(field + " " + node + " is longer than ten years");
                }
                value = node.longValue();
                if (value < 0) {
                    throw new IllegalArgumentException(field + " '" + value + "' is negative");
                }
            } else if (node.isTextual()) {
                value = Durations.parseSeconds(field, node.textValue());
            } else {
                throw new IllegalArgumentException(
                        field + " must be an ISO-8601 duration string or whole seconds, was " + node);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return fallback;
        }
        if (value > MAX_SECONDS) {
            problems.add(field + " " + Durations.format(value) + " is longer than ten years");
            return fallback;
        }
        return value;
    }
}
