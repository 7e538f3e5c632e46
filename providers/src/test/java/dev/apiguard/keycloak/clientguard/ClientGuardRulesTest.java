package dev.apiguard.keycloak.clientguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientGuardRulesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "https                          | https://app.example.org/callback",
                "https with port and query      | https://app.example.org:8443/cb?x=1",
                "loopback IPv4 without port     | http://127.0.0.1/callback",
                "loopback IPv6 without port     | http://[::1]/callback",
            })
    void redirectUriWhenCompliantThenNoProblem(String description, String uri) {
        assertThat(ClientGuardRules.redirectUriProblem(uri)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "wildcard path                  | https://app.example.org/*                | contains a wildcard",
                "wildcard alone                 | *                                        | contains a wildcard",
                "fragment                       | https://app.example.org/cb#x             | contains a fragment",
                "relative                       | /callback                                | is not an absolute URI with a host",
                "http on a public host          | http://app.example.org/cb                | uses http",
                "http on localhost              | http://localhost/cb                      | uses http",
                "loopback with a port           | http://127.0.0.1:8400/cb                 | has a port",
                "custom scheme                  | com.example.app:/cb                      | is not an absolute URI with a host",
                "ftp                            | ftp://files.example.org/cb               | uses scheme 'ftp'",
                "user info                      | https://user@app.example.org/cb          | contains user information",
                "blank                          | ' '                                      | is empty",
            })
    void redirectUriWhenBreakingTheBaselineThenProblemSaysWhy(String description, String uri, String problem) {
        assertThat(ClientGuardRules.redirectUriProblem(uri)).contains(problem);
    }

    @Test
    void violationsWhenEverythingIsCompliantThenNone() {
        assertThat(ClientGuardRules.violations(true, "S256", false, false, List.of("https://app.example.org/cb")))
                .isEmpty();
    }

    @Test
    void violationsWhenNothingIsProposedThenNone() {
        assertThat(ClientGuardRules.violations(true, null, null, null, null)).isEmpty();
    }

    @ParameterizedTest(name = "PKCE method ''{0}''")
    @CsvSource(value = {"plain", "''", "s256"})
    void violationsWhenCodeFlowClientProposesAnotherPkceMethodThenNamesTheAttribute(String method) {
        assertThat(ClientGuardRules.violations(true, method, null, null, null))
                .singleElement()
                .asString()
                .startsWith("pkce.code.challenge.method: must be S256");
    }

    @Test
    void violationsWhenClientHasNoCodeFlowThenPkceMethodIsNotItsConcern() {
        assertThat(ClientGuardRules.violations(false, "plain", null, null, null))
                .isEmpty();
    }

    @Test
    void violationsWhenSeveralRulesBreakThenNamesEveryField() {
        List<String> violations = ClientGuardRules.violations(
                true, "plain", true, true, List.of("https://ok.example.org/cb", "https://app.example.org/*"));

        assertThat(violations).hasSize(4);
        assertThat(violations)
                .extracting(v -> v.substring(0, v.indexOf(':')))
                .containsExactly(
                        "pkce.code.challenge.method",
                        "implicitFlowEnabled",
                        "directAccessGrantsEnabled",
                        "redirectUris");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "identical                      | https://app.example.org/cb  | https://app.example.org/cb  | true",
                "loopback, any port             | http://127.0.0.1:53682/cb   | http://127.0.0.1/cb         | true",
                "loopback IPv6, any port        | http://[::1]:8080/cb        | http://[::1]/cb             | true",
                "longer path                    | https://app.example.org/cb/x| https://app.example.org/cb  | false",
                "other query                    | https://app.example.org/cb?a| https://app.example.org/cb  | false",
                "https with another port        | https://app.example.org:1/cb| https://app.example.org/cb  | false",
                "loopback, other path           | http://127.0.0.1:1/other    | http://127.0.0.1/cb         | false",
                "wildcard registered            | https://app.example.org/any | https://app.example.org/*   | false",
                "localhost is not 127.0.0.1     | http://localhost:1/cb       | http://127.0.0.1/cb         | false",
                "encoded userinfo, port         | http://127.0.0.1%40evil.example:53682/callback | http://127.0.0.1/callback | false",
                "encoded userinfo, no port      | http://127.0.0.1%40evil.example/callback | http://127.0.0.1/callback | false",
                "userinfo on loopback           | http://evil@127.0.0.1:53682/callback | http://127.0.0.1/callback | false",
                "no authority                   | http:/callback              | http://127.0.0.1/cb         | false",
                "not a URI                      | 'http://127.0.0.1:1/c b'    | http://127.0.0.1/cb         | false",
            })
    void matchesExactlyWhenComparedThenOnlyALoopbackPortMayDiffer(
            String description, String requested, String registered, boolean expected) {
        assertThat(ClientGuardRules.matchesExactly(requested, List.of(registered)))
                .isEqualTo(expected);
    }

    @Test
    void matchesExactlyWhenNoRedirectUriIsRequestedThenNoMatch() {
        assertThat(ClientGuardRules.matchesExactly(null, List.of("http://127.0.0.1/cb")))
                .isFalse();
    }

    @Test
    void oversizedParameterWhenAStateIsLongerThanItsLimitThenNamedWithLengthAndLimit() {
        Map<String, List<String>> parameters =
                Map.of("state", List.of("s".repeat(100_000)), "client_id", List.of("demo-spa"));

        assertThat(ClientGuardRules.oversizedParameter(parameters, name -> 4000))
                .isEqualTo(new ClientGuardRules.Oversized("state", 100_000, 4000));
    }

    @Test
    void oversizedParameterWhenEveryParameterFitsThenNone() {
        Map<String, List<String>> parameters =
                Map.of("state", List.of("s".repeat(4000)), "login_hint", List.of("alice"));

        assertThat(ClientGuardRules.oversizedParameter(parameters, name -> name.equals("login_hint") ? 255 : 4000))
                .isNull();
    }

    @Test
    void oversizedParameterWhenControlCharactersMakeItLongThenCountedAsKeycloakCountsThem() {
        // Keycloak removes control characters before it compares the length: so does the rule.
        Map<String, List<String>> parameters = Map.of("nonce", List.of("n".repeat(10) + "\u0000".repeat(10)));

        assertThat(ClientGuardRules.oversizedParameter(parameters, name -> 10)).isNull();
    }

    @Test
    void oversizedParameterWhenAnUnknownParameterIsLongThenNotItsConcern() {
        // Unknown parameters are ignored by design (RFC 6749 3.1), whatever their length.
        Map<String, List<String>> parameters = Map.of("x_custom", List.of("x".repeat(100_000)));

        assertThat(ClientGuardRules.oversizedParameter(parameters, name -> 4000))
                .isNull();
    }
}
