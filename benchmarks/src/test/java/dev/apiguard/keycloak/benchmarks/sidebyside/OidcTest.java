package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OidcTest {

    @Test
    void challengeMatchesRfc7636AppendixB() {
        assertThat(Oidc.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void queryParameterWhenPresentThenDecoded() {
        String location = "http://127.0.0.1/callback?state=s&session_state=x&iss=https%3A%2F%2F127.0.0.1&code=a.b%2Bc";

        assertThat(Oidc.queryParameter(location, "code")).contains("a.b+c");
        assertThat(Oidc.queryParameter(location, "error")).isEmpty();
        assertThat(Oidc.queryParameter("http://127.0.0.1/callback", "code")).isEmpty();
    }

    @Test
    void oauthErrorWhenErrorAnswerThenItsCode() {
        assertThat(Oidc.oauthError("{\"error\":\"invalid_grant\",\"error_description\":\"Stale token\"}"))
                .isEqualTo("invalid_grant");
        assertThat(Oidc.oauthError("<html>")).isEqualTo("(no OAuth error)");
    }
}
