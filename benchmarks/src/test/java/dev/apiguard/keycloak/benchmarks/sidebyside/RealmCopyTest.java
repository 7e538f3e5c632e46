package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The variants' realms are the shipped demo realm with one setting changed, and nothing else. */
class RealmCopyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PLACEHOLDERS =
            Map.of("APIGUARD_DEMO_PASSWORD", "user-pw-1", "APIGUARD_DEMO_SERVICE_SECRET", "service-secret-1");

    private static String demo() throws Exception {
        return Files.readString(Path.of("..", "realm-config", "apiguard-demo.json"), StandardCharsets.UTF_8);
    }

    /** Every leaf (JSON pointer to its JSON text) of {@code node}; an empty object or array counts as a leaf. */
    private static Map<String, String> leaves(JsonNode node) {
        Map<String, String> leaves = new TreeMap<>();
        collect(node, "", leaves);
        return leaves;
    }

    private static void collect(JsonNode node, String pointer, Map<String, String> leaves) {
        if (node.isContainerNode() && !node.isEmpty()) {
            if (node.isObject()) {
                node.properties()
                        .forEach(e -> collect(
                                e.getValue(),
                                pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"),
                                leaves));
            } else {
                for (int i = 0; i < node.size(); i++) {
                    collect(node.get(i), pointer + "/" + i, leaves);
                }
            }
        } else {
            leaves.put(pointer, node.toString());
        }
    }

    /** The leaves that differ between {@code a} and {@code b} (present in one only, or with another value). */
    private static Map<String, String> differences(JsonNode a, JsonNode b) {
        Map<String, String> left = leaves(a);
        Map<String, String> right = leaves(b);
        Map<String, String> differences = new TreeMap<>();
        left.forEach((k, v) -> {
            if (!v.equals(right.get(k))) {
                differences.put(k, v + " -> " + right.get(k));
            }
        });
        right.forEach((k, v) -> {
            if (!left.containsKey(k)) {
                differences.put(k, "(none) -> " + v);
            }
        });
        return differences;
    }

    /** The demo realm as a variant's copy names it, with the placeholders filled in: the copy's reference. */
    private static JsonNode renamedDemo(String name) throws Exception {
        String text = demo();
        ObjectNode demo = (ObjectNode) JSON.readTree(text);
        return JSON.readTree(JSON.writeValueAsString(demo)
                .replace("apiguard-demo", name)
                .replace("${APIGUARD_DEMO_PASSWORD}", "user-pw-1")
                .replace("${APIGUARD_DEMO_SERVICE_SECRET}", "service-secret-1"));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void ofWhenAnyVariantThenRenamedWithSecretsAndOnlyItsSettingsDiffer(Variant variant) throws Exception {
        JsonNode copy = JSON.readTree(RealmCopy.of(demo(), variant, PLACEHOLDERS));

        Map<String, String> differences = differences(renamedDemo(variant.target()), copy);

        switch (variant) {
            case NOLIMIT -> assertThat(differences.keySet()).containsExactly("/attributes/apiguard.rateLimits");
            case NOPOLICY -> {
                assertThat(differences.keySet())
                        .allMatch(k -> k.startsWith("/clientPolicies") || k.startsWith("/clientProfiles"));
                assertThat(copy.has("clientPolicies")).isFalse();
                assertThat(copy.has("clientProfiles")).isFalse();
            }
            case STREAM -> assertThat(differences).containsOnlyKeys("/eventsEnabled");
            case FULLSCOPE -> {
                assertThat(differences).hasSize(1);
                String key = differences.keySet().iterator().next();
                assertThat(key).matches("/clients/\\d+/fullScopeAllowed");
                assertThat(copy.at(key.substring(0, key.lastIndexOf('/')) + "/clientId")
                                .asText())
                        .isEqualTo(Variant.CODE_CLIENT);
                assertThat(differences.get(key)).isEqualTo("false -> true");
            }
            case NOAUDIT -> {
                assertThat(differences.keySet()).containsExactly("/eventsEnabled", "/eventsListeners/1");
                assertThat(copy.get("eventsListeners").toString()).isEqualTo("[\"jboss-logging\"]");
            }
            case JPAEVENTS -> {
                assertThat(differences.keySet())
                        .allMatch(k -> k.equals("/eventsListeners/1") || k.startsWith("/enabledEventTypes/"));
                assertThat(copy.get("eventsListeners").toString()).isEqualTo("[\"jboss-logging\"]");
                assertThat(StreamSupport.stream(copy.get("enabledEventTypes").spliterator(), false)
                                .map(JsonNode::asText))
                        .containsExactlyElementsOf(Variant.GRANT_EVENTS);
            }
            case BARE -> {
                assertThat(differences.keySet())
                        .allMatch(k -> k.startsWith("/clientPolicies")
                                || k.startsWith("/clientProfiles")
                                || k.startsWith("/attributes/apiguard.")
                                || k.matches("/clientScopes/\\d+/protocolMappers/.*")
                                || k.equals("/eventsEnabled")
                                || k.equals("/eventsListeners/1"));
                assertThat(copy.has("clientPolicies")).isFalse();
                assertThat(copy.has("clientProfiles")).isFalse();
                assertThat(copy.get("attributes").properties())
                        .noneMatch(e -> e.getKey().startsWith("apiguard."))
                        .anyMatch(e -> e.getKey().equals("acr.loa.map"));
                assertThat(copy.findValues("protocolMapper"))
                        .isNotEmpty()
                        .noneMatch(v -> v.asText().startsWith("apiguard-"));
                assertThat(copy.get("eventsListeners").toString()).isEqualTo("[\"jboss-logging\"]");
                // Keycloak's own settings stay: least privilege for the code-flow client.
                assertThat(copy.get("clients").findValues("fullScopeAllowed")).contains(JSON.readTree("false"));
            }
            case BARE_TWIN ->
                // The control: apiguard-bare under another name, nothing else.
                assertThat(copy)
                        .isEqualTo(JSON.readTree(RealmCopy.of(demo(), Variant.BARE, PLACEHOLDERS)
                                .replace("apiguard-bare", variant.target())));
            case BARE_NOLOA, BARE_USER, BARE_CLIENT, BARE_SETTINGS, BARE_STOCK -> {
                // apiguard-bare's changes, then the variant's own.
                Map<String, String> own = differences(
                        JSON.readTree(RealmCopy.of(demo(), Variant.BARE, PLACEHOLDERS)
                                .replace("apiguard-bare", variant.target())),
                        copy);
                assertThat(copy.has("clientPolicies")).isFalse();
                assertThat(copy.get("eventsListeners").toString()).isEqualTo("[\"jboss-logging\"]");
                boolean all = variant == Variant.BARE_STOCK;
                assertThat(copy.get("attributes").has("acr.loa.map"))
                        .isEqualTo(!(all || variant == Variant.BARE_NOLOA));
                assertThat(copy.get("browserFlow").asText())
                        .isEqualTo(all || variant == Variant.BARE_NOLOA ? "browser" : "apiguard-browser");
                JsonNode alice = named(copy.get("users"), "username", Variant.USER);
                boolean user = all || variant == Variant.BARE_USER;
                assertThat(alice.has("attributes")).isEqualTo(!user);
                assertThat(alice.get("realmRoles").toString())
                        .isEqualTo(
                                user
                                        ? "[\"default-roles-" + variant.target() + "\"]"
                                        : "[\"default-roles-" + variant.target() + "\",\"api-user\"]");
                assertThat(copy.get("components").has("org.keycloak.userprofile.UserProfileProvider"))
                        .isEqualTo(!user);
                JsonNode spa = named(copy.get("clients"), "clientId", Variant.CODE_CLIENT);
                boolean client = all || variant == Variant.BARE_CLIENT;
                assertThat(spa.get("fullScopeAllowed").asBoolean()).isEqualTo(client);
                assertThat(spa.has("webOrigins")).isEqualTo(!client);
                assertThat(spa.get("attributes").has("access.token.header.type.rfc9068"))
                        .isEqualTo(!client);
                boolean settings = all || variant == Variant.BARE_SETTINGS;
                assertThat(copy.get("sslRequired").asText()).isEqualTo(settings ? "external" : "all");
                assertThat(copy.get("bruteForceProtected").asBoolean()).isEqualTo(!settings);
                assertThat(copy.get("adminEventsEnabled").asBoolean()).isEqualTo(!settings);
                assertThat(copy.has("browserSecurityHeaders")).isEqualTo(!settings);
                assertThat(copy.has("passwordPolicy")).isEqualTo(!settings);
                // Nothing else: every difference from apiguard-bare is one of the settings above.
                assertThat(own.keySet())
                        .isNotEmpty()
                        .allMatch(k -> k.equals("/attributes/acr.loa.map")
                                || k.equals("/attributes") // left empty without acr.loa.map
                                || k.equals("/browserFlow")
                                || k.matches("/users/\\d+/(attributes/.*|realmRoles/\\d+)")
                                || k.startsWith("/components/org.keycloak.userprofile.UserProfileProvider/")
                                || k.matches("/clients/\\d+/(fullScopeAllowed|webOrigins/0|attributes/"
                                        + "(access\\.token\\.header\\.type\\.rfc9068|post\\.logout\\.redirect\\.uris))")
                                || k.matches("/(sslRequired|bruteForceProtected|adminEventsEnabled"
                                        + "|adminEventsDetailsEnabled|passwordPolicy)")
                                || k.startsWith("/browserSecurityHeaders/"));
            }
            default -> throw new IllegalStateException(variant.name());
        }
        assertThat(copy.get("eventsEnabled").asBoolean())
                .isEqualTo(variant == Variant.NOLIMIT
                        || variant == Variant.JPAEVENTS
                        || variant == Variant.NOPOLICY
                        || variant == Variant.FULLSCOPE);
        assertThat(copy.at("/attributes").has(Variant.RATE_LIMITS_ATTRIBUTE)).isEqualTo(variant.hasRateLimits());
    }

    private static JsonNode named(JsonNode array, String key, String value) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(e -> value.equals(e.path(key).asText()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void ofWhenCopiedThenRealmNamedEverywhereAndSecretsFilledIn() throws Exception {
        String demo = demo();
        String copy = RealmCopy.of(demo, Variant.STREAM, PLACEHOLDERS);
        JsonNode realm = JSON.readTree(copy);

        assertThat(realm.get("realm").asText()).isEqualTo("apiguard-stream");
        assertThat(copy).doesNotContain("apiguard-demo").doesNotContain("${APIGUARD_");
        assertThat(copy).contains("default-roles-apiguard-stream").contains("/realms/apiguard-stream/account/");
        // The secret of demo-service and the password of both demo users, as the server's environment gives them.
        assertThat(copy.split("service-secret-1", -1)).hasSize(2);
        assertThat(copy.split("user-pw-1", -1)).hasSize(3);
        // Keycloak's message keys are not environment placeholders: kept.
        assertThat(copy).contains("${role_default-roles}").contains("${client_account}");
        // Everything else is the demo's: clients, users, policies, keys and the ES256 default.
        assertThat(realm.get("defaultSignatureAlgorithm").asText()).isEqualTo("ES256");
        assertThat(realm.get("clients")).hasSameSizeAs(JSON.readTree(demo).get("clients"));
        assertThat(realm.get("clientPolicies")).isEqualTo(JSON.readTree(demo).get("clientPolicies"));
    }

    @Test
    void ofWhenUnknownPlaceholderThenRefusedNamingIt() {
        String realm = "{\"realm\":\"apiguard-demo\",\"smtpServer\":{\"password\":\"${SMTP_PASSWORD}\"}}";

        assertThatThrownBy(() -> RealmCopy.of(realm, Variant.STREAM, PLACEHOLDERS))
                .hasMessageContaining("${SMTP_PASSWORD}");
    }

    @Test
    void ofWhenDemoLacksTheSettingThenRefused() {
        String noLimits = "{\"realm\":\"apiguard-demo\",\"attributes\":{},\"eventsListeners\":[\"jboss-logging\"]}";

        assertThatThrownBy(() -> RealmCopy.of(noLimits, Variant.NOLIMIT, PLACEHOLDERS))
                .hasMessageContaining("apiguard.rateLimits");
        assertThatThrownBy(() -> RealmCopy.of(noLimits, Variant.NOAUDIT, PLACEHOLDERS))
                .hasMessageContaining("apiguard-audit");
    }

    @Test
    void changeEventsWhenEventsConfigThenSameChangeAsTheRealm() throws Exception {
        ObjectNode config = (ObjectNode)
                JSON.readTree("{\"eventsEnabled\":true,\"eventsListeners\":[\"apiguard-audit\",\"jboss-logging\"],"
                        + "\"enabledEventTypes\":[\"LOGIN\"],\"adminEventsEnabled\":true}");

        RealmCopy.changeEvents(config, Variant.JPAEVENTS);

        assertThat(config.get("eventsListeners").toString()).isEqualTo("[\"jboss-logging\"]");
        assertThat(config.get("enabledEventTypes")).hasSize(Variant.GRANT_EVENTS.size());
        assertThat(config.get("adminEventsEnabled").asBoolean()).isTrue();
    }
}
