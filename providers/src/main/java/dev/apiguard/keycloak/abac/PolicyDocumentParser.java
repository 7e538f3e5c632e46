package dev.apiguard.keycloak.abac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apiguard.keycloak.common.JsonLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy document from JSON and checks its structure. Checks, each reported with the path
 * of the offending value and collected so that one answer names every problem:
 * <ul>
 *   <li>the text is one JSON object, at most {@value #MAX_DOCUMENT_CHARS} characters, within
 *       {@link JsonLimits}' depth, number and string limits, no field given twice;</li>
 *   <li>{@code apiVersion} is {@value PolicyDocument#API_VERSION};</li>
 *   <li>no unknown field at any level (a misspelt {@code onDeny} must not silently mean drop);</li>
 *   <li>{@code protectedScopes}: a list of non-blank strings (may be empty or absent);</li>
 *   <li>{@code policies}: a list of at most {@value #MAX_POLICIES} objects, each with a unique
 *       {@code name} (lower-case letters, digits, dashes), a non-empty {@code scopes} list, an
 *       optional {@code clients} list, {@code effect} {@code permit} or {@code deny}, a non-blank
 *       {@code condition} of at most {@value #MAX_CONDITION_CHARS} characters, and an optional
 *       {@code onDeny} {@code drop} (default) or {@code refuse}.</li>
 * </ul>
 * Conditions are compiled by {@link PolicyCompiler}, not here.
 */
public final class PolicyDocumentParser {

    public static final int MAX_DOCUMENT_CHARS = 1_000_000;
    public static final int MAX_POLICIES = 1_000;
    public static final int MAX_CONDITION_CHARS = 4_096;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> TOP_FIELDS = Set.of("apiVersion", "protectedScopes", "policies");
    private static final Set<String> POLICY_FIELDS =
            Set.of("name", "description", "scopes", "clients", "effect", "condition", "onDeny");

    private PolicyDocumentParser() {}

    /** Parses and checks {@code json}; every problem is one entry of the exception's errors. */
    public static PolicyDocument parse(String json) throws PolicyDocumentException {
        JsonNode root;
        try {
            root = JsonLimits.read(json, MAX_DOCUMENT_CHARS, "document");
        } catch (JsonLimits.Invalid e) {
            throw new PolicyDocumentException(e.problems());
        }
        if (root == null || !root.isObject()) {
            throw new PolicyDocumentException(List.of("document: must be a JSON object"));
        }
        List<String> errors = new ArrayList<>();
        unknownFields(root, TOP_FIELDS, "", errors);

        JsonNode apiVersion = root.get("apiVersion");
        if (apiVersion == null) {
            errors.add("apiVersion: missing, must be \"" + PolicyDocument.API_VERSION + "\"");
        } else if (!apiVersion.isTextual() || !PolicyDocument.API_VERSION.equals(apiVersion.asText())) {
            errors.add("apiVersion: must be \"" + PolicyDocument.API_VERSION + "\", was " + apiVersion);
        }

        Set<String> protectedScopes = strings(root.get("protectedScopes"), "protectedScopes", false, errors);

        List<Policy> policies = new ArrayList<>();
        JsonNode list = root.get("policies");
        if (list == null) {
            errors.add("policies: missing, must be a list (it may be empty)");
        } else if (!list.isArray()) {
            errors.add("policies: must be a list");
        } else if (list.size() > MAX_POLICIES) {
            errors.add("policies: " + list.size() + " policies, at most " + MAX_POLICIES + " allowed");
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Policy policy = policy(list.get(i), "policies[" + i + "]", names, errors);
                if (policy != null) {
                    policies.add(policy);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyDocumentException(errors);
        }
        return new PolicyDocument(PolicyDocument.API_VERSION, protectedScopes, policies);
    }

    private static Policy policy(JsonNode node, String path, Set<String> names, List<String> errors) {
        if (!node.isObject()) {
            errors.add(path + ": must be an object");
            return null;
        }
        int before = errors.size();
        unknownFields(node, POLICY_FIELDS, path + ".", errors);

        String name = text(node.get("name"), path + ".name", true, errors);
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                errors.add(path + ".name: \"" + name
                        + "\" must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit");
            } else if (!names.add(name)) {
                errors.add(path + ".name: \"" + name + "\" is used by an earlier policy");
            }
        }
        String description = text(node.get("description"), path + ".description", false, errors);
        Set<String> scopes = strings(node.get("scopes"), path + ".scopes", true, errors);
        Set<String> clients = strings(node.get("clients"), path + ".clients", false, errors);

        Policy.Effect effect = null;
        String rawEffect = text(node.get("effect"), path + ".effect", true, errors);
        if (rawEffect != null) {
            switch (rawEffect) {
                case "permit" -> effect = Policy.Effect.PERMIT;
                case "deny" -> effect = Policy.Effect.DENY;
                default -> errors.add(path + ".effect: must be \"permit\" or \"deny\", was \"" + rawEffect + "\"");
            }
        }
        Policy.OnDeny onDeny = Policy.OnDeny.DROP;
        String rawOnDeny = text(node.get("onDeny"), path + ".onDeny", false, errors);
        if (rawOnDeny != null) {
            switch (rawOnDeny) {
                case "drop" -> onDeny = Policy.OnDeny.DROP;
                case "refuse" -> onDeny = Policy.OnDeny.REFUSE;
                default -> errors.add(path + ".onDeny: must be \"drop\" or \"refuse\", was \"" + rawOnDeny + "\"");
            }
        }
        String condition = text(node.get("condition"), path + ".condition", true, errors);
        if (condition != null && condition.length() > MAX_CONDITION_CHARS) {
            errors.add(path + ".condition: " + condition.length() + " characters, at most " + MAX_CONDITION_CHARS
                    + " allowed");
        }
        if (errors.size() > before) {
            return null;
        }
        return new Policy(name, description, scopes, clients, effect, condition, onDeny);
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

    private static String text(JsonNode node, String path, boolean required, List<String> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(path + ": missing");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            errors.add(path + ": must be a non-blank string");
            return null;
        }
        // Not trimmed: CEL reports positions in the condition as written.
        return node.asText();
    }

    private static Set<String> strings(JsonNode node, String path, boolean required, List<String> errors) {
        Set<String> values = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(path + ": missing, must list at least one value");
            }
            return values;
        }
        if (!node.isArray()) {
            errors.add(path + ": must be a list of strings");
            return values;
        }
        ArrayNode array = (ArrayNode) node;
        if (required && array.isEmpty()) {
            errors.add(path + ": must list at least one value");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode value = array.get(i);
            if (!value.isTextual() || value.asText().isBlank() || value.asText().contains(" ")) {
                errors.add(path + "[" + i + "]: must be a non-blank string without spaces");
            } else {
                values.add(value.asText());
            }
        }
        return values;
    }
}
