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
        document.put("id_token_signing_alg_values_supported", List.of("PS384", "ES384", "RS384", "HS256", "HS512", "ES256",
                "RS256", "HS384", "ES512", "PS256", "PS512", "RS512", "EdDSA", "none"));
        document.put("request_object_signing_alg_values_supported", List.of("PS384", "ES256", "none", "HS256"));
        document.put("token_endpoint", "https://example.org/token");

        BaselineWellKnownProvider.narrowAlgorithms(document);

        assertThat(document.get("id_token_signing_alg_values_supported")).isEqualTo(List.of("ES256", "RS256", "PS256", "EdDSA"));
        assertThat(document.get("request_object_signing_alg_values_supported")).isEqualTo(List.of("PS384", "ES256", "HS256"));
        assertThat(document.get("token_endpoint")).isEqualTo("https://example.org/token");
    }
}
