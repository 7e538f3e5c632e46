package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.RawHttp;
import dev.apiguard.keycloak.it.support.RawHttp.Answer;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14, one behaviour per point, each with the exact request and the exact answer: hostile
 * input that Keycloak 26.7 with the baseline answered with a 500 (or silently mishandled) is
 * refused with a 4xx in the documented shape, and no answer shows internals.
 */
@ExtendWith(SharedServerExtension.class)
class BadInputIT {

    private static final String CHALLENGE = Oidc.Pkce.create().challenge();

    // ---- Client guard: redirect_uri with userinfo, missing redirect_uri ----------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "http://127.0.0.1%40evil.example:53682/callback",
        "http://127.0.0.1%40evil.example/callback",
        "http://127.0.0.1@evil.example:53682/callback",
    })
    void authorizeWhenRedirectUriCarriesUserinfoThen400ErrorPageAndNoRedirect(
            String redirectUri, ApiGuardServer server) {
        Map<String, String> request = codeRequest();
        request.put("redirect_uri", redirectUri);

        Answer answer = new RawHttp(server).send("GET", authEndpoint(server) + "?" + query(request), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("text/html");
        assertThat(answer.body())
                .contains("Invalid parameter: redirect_uri (it must match a registered redirect URI exactly)");
        assertNoInternals(answer);
    }

    @Test
    void authorizeWhenRedirectUriIsMissingThen400InvalidRequestNamingIt(ApiGuardServer server) {
        Map<String, String> request = codeRequest();
        request.remove("redirect_uri");

        Answer answer = new RawHttp(server).send("GET", authEndpoint(server) + "?" + query(request), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("text/html");
        assertThat(answer.body()).contains("Missing parameter: redirect_uri");
        assertNoInternals(answer);
    }

    // ---- Oversized OAuth parameters -----------------------------------------------------------

    @Test
    void authorizeWhenAPostedStateHas100000CharactersThen400InvalidRequestNamingItsLengthAndLimit(
            ApiGuardServer server) {
        Map<String, String> request = codeRequest();
        request.put("state", "s".repeat(100_000));

        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        authEndpoint(server),
                        RawHttp.form(request),
                        "Content-Type",
                        "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("Invalid parameter: state (100000 characters, at most 4000 allowed)");
        assertThat(answer.body()).doesNotContain("kc-form-login");
        assertNoInternals(answer);
    }

    @Test
    void pushedAuthorizationRequestWhenStateHas100000CharactersThen400InvalidRequestJson(ApiGuardServer server) {
        Map<String, String> request = codeRequest();
        request.put("state", "s".repeat(100_000));

        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/ext/par/request",
                        RawHttp.form(request),
                        "Content-Type",
                        "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(400);
        JsonPath error = JsonPath.from(answer.body());
        assertThat(error.getString("error")).isEqualTo("invalid_request");
        assertThat(error.getString("error_description"))
                .isEqualTo("Invalid parameter: state (100000 characters, at most 4000 allowed)");
    }

    // ---- Form-field limit ---------------------------------------------------------------------

    @Test
    void tokenWhenTheFormHas10000FieldsThen400InvalidRequest(ApiGuardServer server) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", Oidc.SERVICE_CLIENT);
        for (int i = 0; i < 10_000; i++) {
            form.put("f" + i, "x");
        }

        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        new Oidc(server).tokenEndpoint(DEMO_REALM),
                        RawHttp.form(form),
                        "Content-Type",
                        "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonPath error = JsonPath.from(answer.body());
        assertThat(error.getString("error")).isEqualTo("invalid_request");
        assertThat(error.getString("error_description"))
                .isEqualTo("Too many parameters in the request (Param limit of 1000 was exceeded)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "undecodable escape    | application/x-www-form-urlencoded | grant_type=client_credentials&token=%  | Undecodable percent-encoding in the request",
                "truncated multipart   | multipart/form-data; boundary=xyz | grant_type=client_credentials          | Malformed multipart body",
                "unparsable media type | garbage                           | grant_type=client_credentials          | Unparsable Content-Type header",
            })
    void tokenWhenTheRequestIsMalformedThen400InvalidRequestNotKeycloaks500(
            String label, String contentType, String body, String description, ApiGuardServer server) {
        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        new Oidc(server).tokenEndpoint(DEMO_REALM),
                        RawHttp.utf8(body),
                        "Content-Type",
                        contentType);

        assertThat(answer.status()).as(label).isEqualTo(400);
        JsonPath error = JsonPath.from(answer.body());
        assertThat(error.getString("error")).isEqualTo("invalid_request");
        assertThat(error.getString("error_description")).isEqualTo(description);
    }

    @Test
    void deviceAuthorizationWhenTheBodyIsJsonThen415InvalidRequestNotKeycloaks500(ApiGuardServer server) {
        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/auth/device",
                        RawHttp.utf8("{\"client_id\": \"demo-spa\"}"),
                        "Content-Type",
                        "application/json");

        assertThat(answer.status()).isEqualTo(415);
        assertThat(JsonPath.from(answer.body()).getString("error")).isEqualTo("invalid_request");
    }

    @Test
    void masterRealmTokenWhenTheFormHas10000FieldsThen400AsWell(ApiGuardServer server) {
        // The one change the JAR makes to realms that have not adopted API Guard: a 500 for bad input becomes a 400.
        StringBuilder form = new StringBuilder("grant_type=client_credentials&client_id=admin-cli");
        for (int i = 0; i < 10_000; i++) {
            form.append("&f").append(i).append("=x");
        }

        Answer answer = new RawHttp(server)
                .send(
                        "POST",
                        new Oidc(server).tokenEndpoint("master"),
                        RawHttp.utf8(form.toString()),
                        "Content-Type",
                        "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(JsonPath.from(answer.body()).getString("error")).isEqualTo("invalid_request");
    }

    // ---- Admin API: hostile JSON, one error shape --------------------------------------------

    @ParameterizedTest(name = "{0} {1} with {2}")
    @CsvSource({
        "PUT,  /apiguard/v1/keys,              DEEP_ARRAYS,  invalid_policy",
        "PUT,  /apiguard/v1/keys,              DEEP_OBJECTS, invalid_policy",
        "PUT,  /apiguard/v1/keys,              LONG_NUMBER,  invalid_policy",
        "PUT,  /apiguard/v1/policies,          DEEP_ARRAYS,  invalid_policy_document",
        "PUT,  /apiguard/v1/policies,          DEEP_OBJECTS, invalid_policy_document",
        "PUT,  /apiguard/v1/policies,          LONG_NUMBER,  invalid_policy_document",
        "POST, /apiguard/v1/policies/validate, DEEP_ARRAYS,  invalid_policy_document",
        "POST, /apiguard/v1/policies/validate, DEEP_OBJECTS, invalid_policy_document",
        "POST, /apiguard/v1/policies/validate, LONG_NUMBER,  invalid_policy_document",
        "POST, /apiguard/v1/policies/explain,  DEEP_ARRAYS,  invalid_request",
        "POST, /apiguard/v1/policies/explain,  DEEP_OBJECTS, invalid_request",
        "POST, /apiguard/v1/policies/explain,  LONG_NUMBER,  invalid_request",
    })
    void adminEndpointWhenTheJsonIsHostileThen400InTheDocumentedShapeNamingTheLimit(
            String method, String path, Hostile body, String error, ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        Answer answer = new RawHttp(server)
                .send(
                        method,
                        oidc.adminUrl(path),
                        RawHttp.utf8(body.json()),
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + oidc.masterAdminToken());

        assertThat(answer.status()).isEqualTo(400);
        JsonPath json = assertApiError(answer, error);
        assertThat(json.getList("problems", String.class))
                .singleElement()
                .asString()
                .containsAnyOf(
                        "nested deeper than 32 levels",
                        "a number longer than 20 characters",
                        "characters, at most 16384 allowed");
        assertNoInternals(answer);
    }

    enum Hostile {
        DEEP_ARRAYS("[".repeat(50_000) + "]".repeat(50_000)),
        DEEP_OBJECTS("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)),
        LONG_NUMBER("{\"rotationPeriod\": " + "9".repeat(5_000) + "}");

        private final String json;

        Hostile(String json) {
            this.json = json;
        }

        String json() {
            return json;
        }
    }

    @Test
    void keysPutWhenThePolicyIsInvalidThen400WithErrorDescriptionAndEveryProblem(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        Answer answer = new RawHttp(server)
                .send(
                        "PUT",
                        oidc.adminUrl("/apiguard/v1/keys"),
                        RawHttp.utf8("{\"retirement\": -5, \"rotation\": 1}"),
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + oidc.masterAdminToken());

        assertThat(answer.status()).isEqualTo(400);
        JsonPath json = assertApiError(answer, "invalid_policy");
        assertThat(json.getString("error_description")).isEqualTo("the key-rotation policy has 2 problems");
        assertThat(json.getList("problems", String.class))
                .containsExactly(
                        "unknown field 'rotation' (known: clockSkew, enabled, jwksMaxAge, prePublication, retirement, rotationPeriod, secretKeyRetirement)",
                        "retirement '-5' is negative");
    }

    @Test
    void policiesPutWhenTheBodyIsNotJsonThen415InTheDocumentedShape(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        Answer answer = new RawHttp(server)
                .send(
                        "PUT",
                        oidc.adminUrl("/apiguard/v1/policies"),
                        RawHttp.utf8("apiVersion: apiguard/v1"),
                        "Content-Type",
                        "text/plain",
                        "Authorization",
                        "Bearer " + oidc.masterAdminToken());

        assertThat(answer.status()).isEqualTo(415);
        JsonPath json = assertApiError(answer, "unsupported_media_type");
        assertThat(json.getList("problems", String.class))
                .containsExactly("Content-Type: 'text/plain', application/json expected");
    }

    @Test
    void keysPutWhenTheCallerLacksManageRealmThen403InTheDocumentedShape(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String aliceToken = oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Answer answer = new RawHttp(server)
                .send(
                        "PUT",
                        oidc.adminUrl("/apiguard/v1/keys"),
                        RawHttp.utf8("{}"),
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + aliceToken);

        assertThat(answer.status()).isEqualTo(403);
        JsonPath json = assertApiError(answer, "forbidden");
        assertThat(json.getList("problems", String.class)).containsExactly("requires manage-realm");
    }

    // ---- Discovery ----------------------------------------------------------------------------

    @Test
    void discoveryWhenTheBaselineCoversEveryClientThenOnlyCodeAndNoPasswordOrImplicitGrant(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        JsonPath demo = oidc.request()
                .get(server.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        JsonPath master = oidc.request()
                .get(server.realmUrl("master") + "/.well-known/openid-configuration")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(demo.getList("response_types_supported", String.class)).containsExactly("code");
        assertThat(demo.getList("grant_types_supported", String.class))
                .contains("authorization_code", "client_credentials", "refresh_token")
                .doesNotContain("password", "implicit");
        assertThat(master.getList("response_types_supported", String.class))
                .as("a realm without the baseline keeps Keycloak's answer")
                .contains("code", "token", "code id_token");
        assertThat(master.getList("grant_types_supported", String.class)).contains("password", "implicit");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The documented error shape of the admin API: exactly error, error_description and problems. */
    static JsonPath assertApiError(Answer answer, String error) {
        assertThat(answer.contentType()).startsWith("application/json");
        JsonPath json = JsonPath.from(answer.body());
        assertThat(json.getMap("$")).containsOnlyKeys("error", "error_description", "problems");
        assertThat(json.getString("error")).isEqualTo(error);
        assertThat(json.getString("error_description")).isNotBlank();
        assertThat(json.getList("problems")).isNotNull();
        return json;
    }

    /** No stack trace, exception class or source position in an answer. */
    static void assertNoInternals(Answer answer) {
        assertThat(answer.body()).doesNotContain("Exception", "at org.", "at java.", ".java:", "NullPointer");
    }

    private static Map<String, String> codeRequest() {
        return new LinkedHashMap<>(Oidc.codeRequest("openid", CHALLENGE));
    }

    private static String authEndpoint(ApiGuardServer server) {
        return new Oidc(server).authorizationEndpoint();
    }

    private static String query(Map<String, String> parameters) {
        StringJoiner joiner = new StringJoiner("&");
        parameters.forEach((name, value) -> joiner.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joiner.toString();
    }
}
