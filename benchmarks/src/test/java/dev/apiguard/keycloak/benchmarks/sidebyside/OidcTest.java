package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
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

    private static final Target TARGET = new Target(
            "t",
            null,
            "r",
            "ES256",
            "svc",
            "secret",
            "",
            "spa",
            "http://127.0.0.1:8400/callback",
            "openid",
            "alice",
            "pw");

    /** An answer with {@code status} and, when not null, a Location header. */
    private static HttpResponse<String> answer(int status, String location) {
        HttpHeaders headers = HttpHeaders.of(
                location == null ? Map.of() : Map.of("Location", List.of(location)), (name, value) -> true);
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(URI.create("https://127.0.0.1/")).build();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public String body() {
                return "";
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return URI.create("https://127.0.0.1/");
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    @Test
    void codeOfWhenRedirectToClientWithCodeThenCodeElseEmpty() {
        assertThat(Oidc.codeOf(TARGET, answer(302, "http://127.0.0.1:8400/callback?state=s&code=c1")))
                .contains("c1");
        // A login page again (wrong password, user_temporarily_disabled), an error redirect, another URI.
        assertThat(Oidc.codeOf(TARGET, answer(200, null))).isEmpty();
        assertThat(Oidc.codeOf(TARGET, answer(302, "http://127.0.0.1:8400/callback?error=access_denied")))
                .isEmpty();
        assertThat(Oidc.codeOf(TARGET, answer(302, "https://evil.example/callback?code=c1")))
                .isEmpty();
    }

    @Test
    void loginUsernameWhenWorkersThenOneUserEach() {
        assertThat(List.of(TARGET.loginUsername(0), TARGET.loginUsername(1)))
                .containsExactly("alice-login-1", "alice-login-2");
    }
}
