package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
        JsonNode user = realm.get("users").get(0);
        // email, first and last name set and verified: Keycloak asks for no profile update at sign-in.
        assertThat(user.get("emailVerified").asBoolean()).isTrue();
        assertThat(user.get("firstName").asText()).isNotBlank();
        assertThat(user.get("credentials").get(0).get("temporary").asBoolean()).isFalse();
    }
}
