package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a {@link Variant}'s realm from the demo realm's file ({@code realm-config/apiguard-demo.json}),
 * to be created through the admin API on the API Guard server. The copy is the demo realm with:
 *
 * <ul>
 *   <li>its name in place of the demo's wherever the file names the realm (the realm, its default
 *       roles, the account and admin console URLs);</li>
 *   <li>the environment placeholders Keycloak's realm import fills in ({@code ${APIGUARD_DEMO_PASSWORD}},
 *       {@code ${APIGUARD_DEMO_SERVICE_SECRET}}) replaced by the values the demo realm was started
 *       with, so clients, secrets and users are the same; an unknown placeholder is refused;</li>
 *   <li>the one setting the variant changes, and nothing else (a demo realm without that setting is
 *       refused: the comparison would measure nothing).</li>
 * </ul>
 */
final class RealmCopy {

    /** An environment placeholder as Keycloak's import resolves it; {@code ${role_x}} message keys are not. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private RealmCopy() {}

    /**
     * The realm of {@code variant} made from {@code demoRealm}; {@code placeholders} maps each
     * environment variable the file refers to to its value.
     */
    static String of(String demoRealm, Variant variant, Map<String, String> placeholders) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(demoRealm);
        } catch (IOException e) {
            throw new UncheckedIOException("the demo realm's file is not JSON", e);
        }
        if (!(parsed instanceof ObjectNode realm) || !realm.path("realm").isTextual()) {
            throw new IllegalArgumentException("the demo realm's file has no \"realm\" name");
        }
        String demoName = realm.path("realm").asText();
        ObjectNode copy = (ObjectNode) rewrite(realm, demoName, variant.target(), placeholders);
        change(copy, variant);
        try {
            return JSON.writeValueAsString(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write realm " + variant.target(), e);
        }
    }

    private static void change(ObjectNode realm, Variant variant) {
        if (variant == Variant.NOLIMIT
                && (!(realm.get("attributes") instanceof ObjectNode attributes)
                        || attributes.remove(Variant.RATE_LIMITS_ATTRIBUTE) == null)) {
            throw new IllegalArgumentException("the demo realm has no " + Variant.RATE_LIMITS_ATTRIBUTE + " attribute: "
                    + variant.target() + " would be the same realm");
        }
        if (variant == Variant.NOPOLICY
                && (realm.remove("clientPolicies") == null | realm.remove("clientProfiles") == null)) {
            throw new IllegalArgumentException("the demo realm has no client policies or profiles: " + variant.target()
                    + " would be the same realm");
        }
        if (variant == Variant.FULLSCOPE) {
            ObjectNode client = null;
            if (realm.get("clients") instanceof ArrayNode clients) {
                for (JsonNode candidate : clients) {
                    if (Variant.CODE_CLIENT.equals(candidate.path("clientId").asText())) {
                        client = (ObjectNode) candidate;
                    }
                }
            }
            if (client == null || client.path("fullScopeAllowed").asBoolean(true)) {
                throw new IllegalArgumentException("the demo realm has no " + Variant.CODE_CLIENT
                        + " client with fullScopeAllowed false: " + variant.target() + " would be the same realm");
            }
            client.put("fullScopeAllowed", true);
        }
        if (variant.isBare()) {
            boolean policies = realm.remove("clientPolicies") != null | realm.remove("clientProfiles") != null;
            boolean attributes = false;
            if (realm.get("attributes") instanceof ObjectNode held) {
                List<String> names = new ArrayList<>();
                held.fieldNames().forEachRemaining(name -> {
                    if (name.startsWith(Variant.APIGUARD_PREFIX + ".")) {
                        names.add(name);
                    }
                });
                held.remove(names);
                attributes = !names.isEmpty();
            }
            boolean mappers =
                    removeApiGuardMappers(realm.get("clientScopes")) | removeApiGuardMappers(realm.get("clients"));
            if (!policies || !attributes || !mappers) {
                throw new IllegalArgumentException(
                        "the demo realm lacks API Guard's client policies, apiguard.* attributes"
                                + " or apiguard-* protocol mappers: " + variant.target()
                                + " would not show their cost");
            }
        }
        if (variant == Variant.BARE_NOLOA || variant == Variant.BARE_STOCK) {
            noLevelsOfAuthentication(realm, variant);
        }
        if (variant == Variant.BARE_USER || variant == Variant.BARE_STOCK) {
            stockUser(realm, variant);
        }
        if (variant == Variant.BARE_CLIENT || variant == Variant.BARE_STOCK) {
            stockClient(realm, variant);
        }
        if (variant == Variant.BARE_SETTINGS || variant == Variant.BARE_STOCK) {
            stockSettings(realm, variant);
        }
        changeEvents(realm, variant);
    }

    /** No ACR-to-LoA map and Keycloak's own browser flow. */
    private static void noLevelsOfAuthentication(ObjectNode realm, Variant variant) {
        if (!(realm.get("attributes") instanceof ObjectNode attributes)
                || attributes.remove("acr.loa.map") == null
                || "browser".equals(realm.path("browserFlow").asText("browser"))) {
            throw new IllegalArgumentException("the demo realm has no acr.loa.map attribute or no browser flow of its"
                    + " own: " + variant.target() + " would be the same realm");
        }
        realm.put("browserFlow", "browser");
    }

    /** The measured user without attributes and with the default roles only; Keycloak's default user profile. */
    private static void stockUser(ObjectNode realm, Variant variant) {
        ObjectNode user = named(realm.get("users"), "username", Variant.USER, variant);
        boolean changed = user.remove("attributes") != null;
        user.putArray("realmRoles").add("default-roles-" + realm.path("realm").asText());
        boolean profile = realm.get("components") instanceof ObjectNode components
                && components.remove("org.keycloak.userprofile.UserProfileProvider") != null;
        if (!changed || !profile) {
            throw new IllegalArgumentException("the demo realm's " + Variant.USER + " has no attributes or the realm no"
                    + " user profile of its own: " + variant.target() + " would be the same realm");
        }
    }

    /** The code-flow client as the stock realm registers it: full scope, no web origins, no RFC 9068 header type. */
    private static void stockClient(ObjectNode realm, Variant variant) {
        ObjectNode client = named(realm.get("clients"), "clientId", Variant.CODE_CLIENT, variant);
        boolean leastPrivilege = !client.path("fullScopeAllowed").asBoolean(true);
        client.put("fullScopeAllowed", true);
        boolean origins = client.remove("webOrigins") != null;
        boolean header = client.get("attributes") instanceof ObjectNode attributes
                && attributes.remove("access.token.header.type.rfc9068") != null
                && attributes.remove("post.logout.redirect.uris") != null;
        if (!leastPrivilege || !origins || !header) {
            throw new IllegalArgumentException("the demo realm's " + Variant.CODE_CLIENT + " differs from the stock"
                    + " realm's client in fewer settings than expected: " + variant.target() + " would not show them");
        }
    }

    /** Keycloak's defaults for the realm's security settings. */
    private static void stockSettings(ObjectNode realm, Variant variant) {
        boolean changed = !realm.path("sslRequired").asText("external").equals("external")
                && realm.path("bruteForceProtected").asBoolean(false)
                && realm.remove("browserSecurityHeaders") != null
                && realm.remove("passwordPolicy") != null;
        if (!changed) {
            throw new IllegalArgumentException("the demo realm keeps Keycloak's defaults for its security settings: "
                    + variant.target() + " would be the same realm");
        }
        realm.put("sslRequired", "external");
        realm.put("bruteForceProtected", false);
    }

    /** The element of {@code array} whose {@code key} is {@code value}. */
    private static ObjectNode named(JsonNode array, String key, String value, Variant variant) {
        if (array instanceof ArrayNode elements) {
            for (JsonNode element : elements) {
                if (element instanceof ObjectNode object
                        && value.equals(object.path(key).asText())) {
                    return object;
                }
            }
        }
        throw new IllegalArgumentException(
                "the demo realm has no " + key + " " + value + ": " + variant.target() + " cannot be made");
    }

    /** Removes the apiguard-* protocol mappers of each client scope or client in {@code holders}; whether any was. */
    private static boolean removeApiGuardMappers(JsonNode holders) {
        boolean removed = false;
        if (holders instanceof ArrayNode array) {
            for (JsonNode holder : array) {
                if (holder.get("protocolMappers") instanceof ArrayNode mappers) {
                    for (int i = mappers.size() - 1; i >= 0; i--) {
                        if (mappers.get(i).path("protocolMapper").asText().startsWith(Variant.APIGUARD_PREFIX + "-")) {
                            mappers.remove(i);
                            removed = true;
                        }
                    }
                }
            }
        }
        return removed;
    }

    /**
     * Applies {@code variant}'s change of the events settings to {@code events}: a realm
     * representation or Keycloak's events configuration ({@code /admin/realms/{realm}/events/config}),
     * which name them alike ({@code eventsEnabled}, {@code eventsListeners}, {@code enabledEventTypes}).
     * Nothing for a variant that keeps the demo realm's events settings.
     */
    static void changeEvents(ObjectNode events, Variant variant) {
        switch (variant) {
            case NOLIMIT, NOPOLICY, FULLSCOPE -> {
                // The demo realm's events settings.
            }
            case STREAM -> {
                requireAuditListener(events, variant);
                events.put("eventsEnabled", false);
            }
            case NOAUDIT, BARE, BARE_TWIN, BARE_NOLOA, BARE_USER, BARE_CLIENT -> {
                removeAuditListener(events, variant);
                events.put("eventsEnabled", false);
            }
            case BARE_SETTINGS, BARE_STOCK -> {
                removeAuditListener(events, variant);
                events.put("eventsEnabled", false);
                // Keycloak's default: admin events off.
                events.put("adminEventsEnabled", false);
                events.put("adminEventsDetailsEnabled", false);
            }
            case JPAEVENTS -> {
                removeAuditListener(events, variant);
                events.put("eventsEnabled", true);
                ArrayNode types = events.putArray("enabledEventTypes");
                Variant.GRANT_EVENTS.forEach(types::add);
            }
            default -> throw new IllegalStateException("unknown variant " + variant);
        }
    }

    private static ArrayNode requireAuditListener(ObjectNode realm, Variant variant) {
        if (realm.get("eventsListeners") instanceof ArrayNode listeners) {
            for (JsonNode listener : listeners) {
                if (Variant.AUDIT_LISTENER.equals(listener.asText())) {
                    return listeners;
                }
            }
        }
        throw new IllegalArgumentException("the demo realm does not list the " + Variant.AUDIT_LISTENER
                + " event listener: " + variant.target() + " would measure nothing");
    }

    private static void removeAuditListener(ObjectNode realm, Variant variant) {
        ArrayNode listeners = requireAuditListener(realm, variant);
        for (int i = listeners.size() - 1; i >= 0; i--) {
            if (Variant.AUDIT_LISTENER.equals(listeners.get(i).asText())) {
                listeners.remove(i);
            }
        }
    }

    /** A deep copy with the realm's name and the placeholders replaced in every text value (never in keys). */
    private static JsonNode rewrite(JsonNode node, String from, String to, Map<String, String> placeholders) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JSON.createObjectNode();
            object.properties().forEach(e -> copy.set(e.getKey(), rewrite(e.getValue(), from, to, placeholders)));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JSON.createArrayNode();
            array.forEach(element -> copy.add(rewrite(element, from, to, placeholders)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(substitute(node.asText().replace(from, to), placeholders));
        }
        return node.deepCopy();
    }

    private static String substitute(String text, Map<String, String> placeholders) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = placeholders.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("the demo realm's file refers to ${" + matcher.group(1)
                        + "}, which the benchmark does not set: add it to the server's environment and here");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
