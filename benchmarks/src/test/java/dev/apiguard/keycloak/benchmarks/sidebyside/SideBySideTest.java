package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideBySideTest {

    private static JsonNode realm(boolean es256) throws Exception {
        return new ObjectMapper().readTree(SideBySide.stockRealm("bench", es256, "service-secret", "user-password"));
    }

    @Test
    void stockRealmWhenEitherAlgorithmThenRotationAndReuseDetectionOnAsInTheDemoRealm() throws Exception {
        for (boolean es256 : new boolean[] {false, true}) {
            JsonNode realm = realm(es256);
            assertThat(realm.get("revokeRefreshToken").asBoolean()).isTrue();
            assertThat(realm.get("refreshTokenMaxReuse").asInt()).isZero();
        }
    }

    @Test
    void stockRealmWhenRs256ThenKeycloakDefaultsWhenEs256ThenP256KeyFirst() throws Exception {
        JsonNode rs = realm(false);
        assertThat(rs.has("defaultSignatureAlgorithm")).isFalse();
        assertThat(rs.has("components")).isFalse();

        JsonNode es = realm(true);
        assertThat(es.get("defaultSignatureAlgorithm").asText()).isEqualTo("ES256");
        JsonNode ecKey =
                es.get("components").get("org.keycloak.keys.KeyProvider").get(0);
        assertThat(ecKey.get("providerId").asText()).isEqualTo("ecdsa-generated");
        assertThat(ecKey.get("config").get("ecdsaEllipticCurveKey").get(0).asText())
                .isEqualTo("P-256");
    }

    @Test
    void scopeWhenComparedWithTheDemoRealmsThenOrdersReadInTheTokenWithTheSameAudienceMapper() throws Exception {
        JsonNode demo = new ObjectMapper()
                .readTree(
                        Files.readString(Path.of("..", "realm-config", "apiguard-demo.json"), StandardCharsets.UTF_8));
        JsonNode demoScope = null;
        for (JsonNode candidate : demo.get("clientScopes")) {
            if (candidate.get("name").asText().equals(SideBySide.SCOPE)) {
                demoScope = candidate;
            }
        }
        assertThat(demoScope).as("the demo realm's " + SideBySide.SCOPE).isNotNull();
        JsonNode scope = new ObjectMapper().readTree(SideBySide.scope());

        assertThat(scope.get("name").asText()).isEqualTo("orders:read");
        assertThat(scope.get("protocol").asText()).isEqualTo("openid-connect");
        assertThat(scope.get("attributes").get("include.in.token.scope").asText())
                .isEqualTo("true");
        assertThat(scope.get("attributes").get("include.in.token.scope"))
                .isEqualTo(demoScope.get("attributes").get("include.in.token.scope"));
        assertThat(scope.get("protocolMappers")).hasSameSizeAs(demoScope.get("protocolMappers"));
        JsonNode mapper = scope.get("protocolMappers").get(0);
        JsonNode demoMapper = demoScope.get("protocolMappers").get(0);
        assertThat(mapper.get("protocolMapper").asText()).isEqualTo("oidc-audience-mapper");
        assertThat(mapper.get("protocolMapper")).isEqualTo(demoMapper.get("protocolMapper"));
        assertThat(mapper.get("config").get("included.client.audience").asText())
                .isEqualTo("orders-api");
        assertThat(mapper.get("config").get("access.token.claim").asText()).isEqualTo("true");
        assertThat(mapper.get("config")).isEqualTo(demoMapper.get("config"));
    }

    @Test
    void stockRealmHasServiceClientPublicPkceClientAndUserWithoutRequiredActions() throws Exception {
        JsonNode realm = realm(false);

        JsonNode service = realm.get("clients").get(0);
        assertThat(service.get("clientId").asText()).isEqualTo("bench-service");
        assertThat(service.get("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(service.get("secret").asText()).isEqualTo("service-secret");
        JsonNode spa = realm.get("clients").get(1);
        assertThat(spa.get("publicClient").asBoolean()).isTrue();
        assertThat(spa.get("attributes").get("pkce.code.challenge.method").asText())
                .isEqualTo("S256");
        assertThat(spa.get("redirectUris").get(0).asText()).isEqualTo("http://127.0.0.1/callback");
        JsonNode api = realm.get("clients").get(2);
        assertThat(api.get("clientId").asText()).isEqualTo(SideBySide.AUDIENCE);
        assertThat(api.get("standardFlowEnabled").asBoolean()).isFalse();
        assertThat(api.get("serviceAccountsEnabled").asBoolean()).isFalse();
        // No client scopes in the realm's JSON: they would replace Keycloak's default ones.
        assertThat(realm.has("clientScopes")).isFalse();
        JsonNode user = realm.get("users").get(0);
        // email, first and last name set and verified: Keycloak asks for no profile update at sign-in.
        assertThat(user.get("emailVerified").asBoolean()).isTrue();
        assertThat(user.get("firstName").asText()).isNotBlank();
        assertThat(user.get("credentials").get(0).get("temporary").asBoolean()).isFalse();
    }

    @Test
    void sameServerWhenTargetsRunTogetherThenOnlyPairsOfOneServerKept() {
        // One object per server, as the targets of one server share one KeycloakServer.
        Object stock = new Object();
        Object apiguard = new Object();
        Map<String, Object> servers = new HashMap<>(Map.of(
                SideBySide.STOCK_RS,
                stock,
                SideBySide.STOCK_ES,
                stock,
                SideBySide.APIGUARD,
                apiguard,
                Variant.PLAIN_ES,
                apiguard,
                Variant.NOAUDIT.target(),
                apiguard));

        List<Summary.Comparison> kept =
                SideBySide.sameServer(SideBySide.comparisons(List.of("server", "audit")), servers);

        assertThat(kept)
                .extracting(Summary.Comparison::label)
                .contains("apiguard / plain-ES256", "apiguard-noaudit / plain-ES256")
                .doesNotContain("apiguard / stock-ES256", "apiguard / stock-RS256", "plain-ES256 / stock-ES256")
                // The audit stream's targets were not measured here: they count as on no server.
                .doesNotContain("apiguard-stream / apiguard-noaudit");
    }

    @Test
    void comparisonsWhenRealmAndRs256ThenEachKeycloakSettingOverBareAndRs256GoalTwice() {
        List<Summary.Comparison> comparisons =
                SideBySide.comparisons(List.of("audit", "bare", "realm", "server", "rs256"));

        assertThat(comparisons)
                .extracting(Summary.Comparison::label)
                .contains(
                        "apiguard-bare / apiguard-bare-noloa",
                        "apiguard-bare / apiguard-bare-user",
                        "apiguard-bare / apiguard-bare-client",
                        "apiguard-bare / apiguard-bare-settings",
                        "apiguard-bare / apiguard-bare-stock",
                        "apiguard-bare-stock / plain-ES256",
                        "plain-ES256 / plain-RS256");
        // Issue 19's "so >= 2x stock Keycloak's defaults", in one JVM.
        assertThat(comparisons)
                .filteredOn(c ->
                        c.baseline().equals(Variant.PLAIN_RS) && c.subject().startsWith("apiguard"))
                .extracting(Summary.Comparison::subject, Summary.Comparison::goal)
                .containsExactly(tuple(SideBySide.APIGUARD, 2.0), tuple(Variant.NOAUDIT.target(), 2.0));
        // The realm group's parts are Keycloak's settings, not API Guard's: no goal.
        assertThat(comparisons)
                .filteredOn(c -> c.subject().startsWith("apiguard-bare"))
                .allMatch(c -> Double.isNaN(c.goal()));
        // Without bare or server, the realm group has nothing to compare its copies with.
        assertThat(SideBySide.comparisons(List.of("realm")))
                .extracting(Summary.Comparison::label)
                .noneMatch(label -> label.contains("apiguard-bare"));
    }

    @Test
    void inRoundOrderWhenInTurnsThenEachRoundAPermutationWithVaryingPredecessors() {
        List<String> targets = List.of("stock-RS256", "stock-ES256", "apiguard", "plain-ES256", "b", "c", "d", "e");
        Map<String, Set<String>> predecessors = new HashMap<>();
        for (int round = 1; round <= 12; round++) {
            List<String> order = SideBySide.inRoundOrder(targets, round, false);

            assertThat(order).containsExactlyInAnyOrderElementsOf(targets);
            assertThat(SideBySide.inRoundOrder(targets, round, false))
                    .as("the same round, the same order")
                    .isEqualTo(order);
            for (int i = 1; i < order.size(); i++) {
                predecessors.computeIfAbsent(order.get(i), k -> new HashSet<>()).add(order.get(i - 1));
            }
        }
        // No target follows the same one in every round.
        assertThat(predecessors.values()).allMatch(set -> set.size() >= 3);
        // Together, each server's group runs in its order.
        assertThat(SideBySide.inRoundOrder(targets, 5, true)).isEqualTo(targets);
    }

    @Test
    void javaFeatureWhenReleaseFileThenItsFeatureVersionElseZero(@TempDir Path jdk) throws Exception {
        // Without a release file (or without JAVA_VERSION) the version is unknown: no JDK 25 options.
        assertThat(SideBySide.javaFeature(jdk)).isZero();
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\n", StandardCharsets.UTF_8);
        assertThat(SideBySide.javaFeature(jdk)).isZero();
        Files.writeString(
                jdk.resolve("release"),
                "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n",
                StandardCharsets.UTF_8);
        assertThat(SideBySide.javaFeature(jdk)).isEqualTo(25);
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21\"\n", StandardCharsets.UTF_8);
        assertThat(SideBySide.javaFeature(jdk)).isEqualTo(21);
    }
}
