package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the filter reads a request: the endpoint of a path, the client of a Basic header, the form's fields. */
class RateLimitRequestTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", textBlock = """
            /realms/demo/protocol/openid-connect/token,             TOKEN
            realms/demo/protocol/openid-connect/token/,             TOKEN
            /realms/demo/protocol/openid-connect/token/introspect,  INTROSPECT
            /realms/demo/protocol/openid-connect/auth,              AUTHORIZE
            /realms/demo/protocol/openid-connect/auth/device,       DEVICE
            /realms/demo/protocol/openid-connect/ext/par/request,   PAR
            /realms/demo/protocol/openid-connect/revoke,            REVOKE
            /realms/demo/protocol/openid-connect/userinfo,          USERINFO
            /realms/demo/login-actions/authenticate,                LOGIN
            /realms/demo/clients-registrations/openid-connect,      REGISTRATION
            /realms/demo/protocol/openid-connect/certs,             -
            /admin/realms/demo/protocol/openid-connect/token,       -
            /realms/demo,                                           -
            """)
    void endpointOfWhenPathGivenThenTheLimitedEndpoint(String path, Endpoint expected) {
        String[] realm = new String[1];
        assertThat(Endpoint.of(path, realm)).isEqualTo(expected);
        if (expected != null) {
            assertThat(realm[0]).isEqualTo("demo");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", textBlock = """
            demo-service:s3cret,  demo-service
            my%3Aapp:x,           my:app
            :secret,              -
            no-colon,             -
            """)
    void basicClientIdWhenHeaderGivenThenTheIdNeverTheSecret(String pair, String expected) {
        String header = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        assertThat(RateLimitFilter.basicClientId(header)).isEqualTo(expected);
        assertThat(RateLimitFilter.basicClientId("Bearer abc")).isNull();
        assertThat(RateLimitFilter.basicClientId("Basic !!!")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            grant_type=password&username=Al%C3%AFce&password=x&client_id=app | app | Alïce | password
            username=a+b&username=second                                     | -   | a b   | -
            client_id=&grant_type=client_credentials                         | -   | -     | client_credentials
            client_id=%zz&username=u                                          | -   | u     | -
            """)
    void parseFormWhenBodyGivenThenTheFieldsTheRulesNeed(String body, String client, String username, String grant) {
        RateLimitFilter.Form form = RateLimitFilter.parseForm(
                new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        assertThat(form.clientId()).isEqualTo(client);
        assertThat(form.username()).isEqualTo(username);
        assertThat(form.grantType()).isEqualTo(grant);
    }
}
