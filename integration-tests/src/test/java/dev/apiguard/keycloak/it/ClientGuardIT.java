package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client guard of the baseline at client creation and update through the admin REST API. */
@ExtendWith(SharedServerExtension.class)
class ClientGuardIT {

    @Test
    void createWhenPkceMethodIsPlainThenRefusedNamingTheFieldAndNothingIsSaved(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-plain");
        client.put("attributes", Map.of("pkce.code.challenge.method", "plain"));

        assertRefused(create(server, client), "pkce.code.challenge.method: must be S256");
        assertThat(new Oidc(server).clientExists("it-guard-plain")).isFalse();
    }

    @Test
    void createWhenRedirectUriHasAWildcardThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-wildcard");
        client.put("redirectUris", List.of("https://app.example.org/*"));

        assertRefused(create(server, client), "redirectUris: 'https://app.example.org/*' contains a wildcard");
        assertThat(new Oidc(server).clientExists("it-guard-wildcard")).isFalse();
    }

    @Test
    void createWhenRedirectUriUsesHttpOnAPublicHostThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-http");
        client.put("redirectUris", List.of("http://app.example.org/callback"));

        assertRefused(create(server, client), "redirectUris: 'http://app.example.org/callback' uses http");
        assertThat(new Oidc(server).clientExists("it-guard-http")).isFalse();
    }

    @Test
    void createWhenImplicitFlowIsOnThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-implicit");
        client.put("implicitFlowEnabled", true);

        assertRefused(create(server, client), "implicitFlowEnabled: the implicit flow is not allowed");
        assertThat(new Oidc(server).clientExists("it-guard-implicit")).isFalse();
    }

    @Test
    void createWhenDirectAccessGrantsAreOnThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-ropc");
        client.put("directAccessGrantsEnabled", true);

        assertRefused(create(server, client), "directAccessGrantsEnabled: the password grant is not allowed");
        assertThat(new Oidc(server).clientExists("it-guard-ropc")).isFalse();
    }

    @Test
    void createWhenCompliantAndPkceLeftOutThenCreatedWithS256(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-ok");

        assertThat(create(server, client).statusCode()).isEqualTo(201);
        Oidc oidc = new Oidc(server);
        JsonPath created = oidc.asAdmin()
                .get(oidc.clientUrl("it-guard-ok"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(created.getString("attributes.'pkce.code.challenge.method'")).isEqualTo("S256");
        assertThat(created.getString("attributes.'access.token.header.type.rfc9068'"))
                .isEqualTo("true");
    }

    @Test
    void updateWhenDemoSpaPkceIsSetToPlainThenRefusedAndTheClientReadsBackUnchanged(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String url = oidc.clientUrl("demo-spa");
        Map<String, Object> before = oidc.asAdmin()
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        Map<String, Object> change = new HashMap<>(before);
        Map<String, Object> attributes = new HashMap<>(castMap(before.get("attributes")));
        attributes.put("pkce.code.challenge.method", "plain");
        change.put("attributes", attributes);

        Response response =
                oidc.asAdmin().contentType("application/json").body(change).put(url);

        assertRefused(response, "pkce.code.challenge.method: must be S256");
        Map<String, Object> after = oidc.asAdmin()
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void updateWhenDemoSpaGetsAWildcardRedirectUriThenRefusedAndTheClientReadsBackUnchanged(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String url = oidc.clientUrl("demo-spa");
        Map<String, Object> before = oidc.asAdmin()
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");

        Response response = oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("redirectUris", List.of("http://127.0.0.1/callback", "https://*.example.org/*")))
                .put(url);

        assertRefused(response, "redirectUris: 'https://*.example.org/*' contains a wildcard");
        assertThat(oidc.asAdmin()
                        .get(url)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("$"))
                .isEqualTo(before);
    }

    @Test
    void updateWhenTheClientIsAnOperatorClientThenTheGuardDoesNotApply(ApiGuardServer server) {
        // security-admin-console has a wildcard redirect URI and no PKCE method of its own choosing:
        // saving it as it is must keep working, or administrators would be locked out.
        Oidc oidc = new Oidc(server);
        String url = oidc.clientUrl("security-admin-console");
        Map<String, Object> console = oidc.asAdmin()
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        assertThat(console.get("redirectUris").toString()).contains("*");

        Response response =
                oidc.asAdmin().contentType("application/json").body(console).put(url);

        assertThat(response.statusCode()).isEqualTo(204);
    }

    // ---- Dynamic client registration (RFC 7591) ----------------------------------------------

    @Test
    void dynamicRegistrationWhenARedirectUriUsesHttpThenRefusedNamingTheField(ApiGuardServer server) {
        Response response = register(
                server,
                Map.of(
                        "client_name",
                        "it-dcr-http",
                        "redirect_uris",
                        List.of("http://app.example.org/callback"),
                        "grant_types",
                        List.of("authorization_code"),
                        "response_types",
                        List.of("code"),
                        "token_endpoint_auth_method",
                        "none"));

        // Keycloak's registration endpoint answers every client-policy refusal with 403 insufficient_scope
        // and the refusal's message as description; API Guard's message names the field.
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.jsonPath().getString("error")).isEqualTo("insufficient_scope");
        assertThat(response.jsonPath().getString("error_description"))
                .contains("redirectUris: 'http://app.example.org/callback' uses http");
        Oidc oidc = new Oidc(server);
        assertThat(oidc.asAdmin()
                        .get(oidc.adminUrl("/clients"))
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("name"))
                .as("names of the realm's clients")
                .doesNotContain("it-dcr-http");
    }

    @Test
    void dynamicRegistrationWhenCompliantThenRegisteredWithPkceS256AndTheRfc9068Header(ApiGuardServer server) {
        Response response = register(
                server,
                Map.of(
                        "client_name",
                        "it-dcr-ok",
                        "redirect_uris",
                        List.of("https://app.example.org/callback"),
                        "grant_types",
                        List.of("authorization_code"),
                        "response_types",
                        List.of("code"),
                        "token_endpoint_auth_method",
                        "none"));

        assertThat(response.statusCode()).isEqualTo(201);
        Oidc oidc = new Oidc(server);
        JsonPath created = oidc.asAdmin()
                .get(oidc.clientUrl(response.jsonPath().getString("client_id")))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(created.getString("attributes.'pkce.code.challenge.method'")).isEqualTo("S256");
        assertThat(created.getString("attributes.'access.token.header.type.rfc9068'"))
                .isEqualTo("true");
        assertThat(created.getBoolean("implicitFlowEnabled")).isFalse();
        assertThat(created.getBoolean("directAccessGrantsEnabled")).isFalse();
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Registers a client through OIDC dynamic client registration with a fresh initial access token. */
    private static Response register(ApiGuardServer server, Map<String, Object> metadata) {
        Oidc oidc = new Oidc(server);
        String initialAccessToken = oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("count", 1, "expiration", 300))
                .post(oidc.adminUrl("/clients-initial-access"))
                .then()
                .statusCode(201)
                .extract()
                .path("token");
        return oidc.request()
                .auth()
                .oauth2(initialAccessToken)
                .contentType("application/json")
                .body(metadata)
                .post(server.realmUrl(Oidc.DEMO_REALM) + "/clients-registrations/openid-connect");
    }

    private static Map<String, Object> compliantClient(String clientId) {
        Map<String, Object> client = new HashMap<>();
        client.put("clientId", clientId);
        client.put("publicClient", true);
        client.put("standardFlowEnabled", true);
        client.put("implicitFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("redirectUris", List.of("https://app.example.org/callback"));
        return client;
    }

    private static Response create(ApiGuardServer server, Map<String, Object> client) {
        Oidc oidc = new Oidc(server);
        return oidc.asAdmin().contentType("application/json").body(client).post(oidc.adminUrl("/clients"));
    }

    private static void assertRefused(Response response, String description) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_client_metadata");
        assertThat(response.jsonPath().getString("error_description")).contains(description);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }
}
