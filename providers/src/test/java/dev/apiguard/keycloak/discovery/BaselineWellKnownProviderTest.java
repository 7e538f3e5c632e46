package dev.apiguard.keycloak.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineWellKnownProviderTest {

    @Test
    void narrowAlgorithmsWhenServerSignedListsThenOnlyFapiAndRs256AndNeverNone() {
        Map<String, Object> document = new HashMap<>();
        document.put(
                "id_token_signing_alg_values_supported",
                List.of(
                        "PS384", "ES384", "RS384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256",
                        "PS512", "RS512", "EdDSA", "none"));
        document.put("request_object_signing_alg_values_supported", List.of("PS384", "ES256", "none", "HS256"));
        document.put("token_endpoint", "https://example.org/token");

        BaselineWellKnownProvider.narrowAlgorithms(document);

        assertThat(document.get("id_token_signing_alg_values_supported"))
                .isEqualTo(List.of("ES256", "RS256", "PS256", "EdDSA"));
        assertThat(document.get("request_object_signing_alg_values_supported"))
                .isEqualTo(List.of("PS384", "ES256", "HS256"));
        assertThat(document.get("token_endpoint")).isEqualTo("https://example.org/token");
    }

    private static final List<String> KEYCLOAK_RESPONSE_TYPES = List.of(
            "code",
            "none",
            "id_token",
            "token",
            "id_token token",
            "code id_token",
            "code token",
            "code id_token token");
    private static final List<String> KEYCLOAK_GRANT_TYPES = List.of(
            "authorization_code",
            "client_credentials",
            "implicit",
            "password",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code");

    @Test
    void narrowFlowsWhenImplicitAndPasswordAreRejectedThenOnlyCodeAndNeitherGrant() {
        Map<String, Object> document = flows();

        BaselineWellKnownProvider.narrowFlows(document, true, true);

        assertThat(document.get("response_types_supported")).isEqualTo(List.of("code"));
        assertThat(document.get("grant_types_supported"))
                .isEqualTo(List.of(
                        "authorization_code",
                        "client_credentials",
                        "refresh_token",
                        "urn:ietf:params:oauth:grant-type:device_code"));
    }

    @Test
    void narrowFlowsWhenOnlyThePasswordGrantIsRejectedThenResponseTypesStayKeycloaks() {
        Map<String, Object> document = flows();

        BaselineWellKnownProvider.narrowFlows(document, false, true);

        assertThat(document.get("response_types_supported")).isEqualTo(KEYCLOAK_RESPONSE_TYPES);
        assertThat(document.get("grant_types_supported"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .doesNotContain("password")
                .contains("implicit");
    }

    @Test
    void narrowFlowsWhenNothingIsRejectedThenUnchanged() {
        Map<String, Object> document = flows();

        BaselineWellKnownProvider.narrowFlows(document, false, false);

        assertThat(document).isEqualTo(flows());
    }

    private static Map<String, Object> flows() {
        Map<String, Object> document = new HashMap<>();
        document.put("response_types_supported", KEYCLOAK_RESPONSE_TYPES);
        document.put("grant_types_supported", KEYCLOAK_GRANT_TYPES);
        return document;
    }
}
