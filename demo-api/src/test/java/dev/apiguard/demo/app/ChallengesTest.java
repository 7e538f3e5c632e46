package dev.apiguard.demo.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChallengesTest {

    @Test
    void bearerWhenStepUpChallengeAfterADpopChallengeThenItsParametersUnquoted() {
        List<String> values = List.of(
                "DPoP realm=\"orders\", algs=\"ES256 PS256\"",
                "Bearer realm=\"orders\", error=\"insufficient_user_authentication\", "
                        + "error_description=\"a \\\"fresh\\\" second factor\", scope=\"orders:admin\", "
                        + "acr_values=\"mfa\", max_age=300, resource_metadata=\"https://localhost:8444/.well-known/oauth-protected-resource\"");

        Map<String, String> params = Challenges.bearer(values).orElseThrow();

        assertThat(params)
                .containsEntry("error", "insufficient_user_authentication")
                .containsEntry("error_description", "a \"fresh\" second factor")
                .containsEntry("scope", "orders:admin")
                .containsEntry("acr_values", "mfa")
                .containsEntry("max_age", "300")
                .containsEntry("resource_metadata", "https://localhost:8444/.well-known/oauth-protected-resource");
    }

    @Test
    void bearerWhenNoBearerChallengeThenEmpty() {
        assertThat(Challenges.bearer(List.of("DPoP realm=\"orders\"", "BearerX a=b")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "error=\"unterminated",
                "error",
                "=value",
                "error=\"a\" scope=\"b\"",
                "error=\"a\", error=\"b\"",
                "error=\"a\",, scope=b",
                "error=",
            })
    void paramsWhenMalformedThenEmptyNeverAnException(String text) {
        assertThat(Challenges.params(text)).isEmpty();
    }

    @Test
    void bearerWhenHeaderIsOversizedThenIgnored() {
        assertThat(Challenges.bearer(List.of("Bearer error=\"" + "x".repeat(3000) + "\"")))
                .isEmpty();
    }
}
