package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionDetailsTest {

    @Test
    void detailsWhenMixedThenOnlyAllowedNonNullKeysInKeyOrderWithRedirectQueryCut() {
        Map<String, String> details = new HashMap<>();
        details.put("scope", "openid orders:read");
        details.put("redirect_uri", "https://app.example/cb?code=secret#state=s");
        details.put("grant_type", "authorization_code");
        details.put("code_id", "not-allowed");
        details.put("password", "not-allowed-either");
        details.put("auth_method", null);
        details.put(null, "null key");

        Map<String, Object> kept = Redaction.plain().details(details);

        assertThat(List.copyOf(kept.keySet())).containsExactly("grant_type", "redirect_uri", "scope");
        assertThat(kept)
                .containsEntry("redirect_uri", "https://app.example/cb")
                .containsEntry("scope", "openid orders:read");
    }

    @Test
    void detailsWhenNullOrEmptyThenEmpty() {
        assertThat(Redaction.plain().details(null)).isEmpty();
        assertThat(Redaction.plain().details(Map.of())).isEmpty();
    }
}
