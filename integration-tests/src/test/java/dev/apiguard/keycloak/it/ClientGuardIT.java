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
        assertThat(find(server, "it-guard-plain")).isEmpty();
    }

    @Test
    void createWhenRedirectUriHasAWildcardThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-wildcard");
        client.put("redirectUris", List.of("https://app.example.org/*"));

        assertRefused(create(server, client), "redirectUris: 'https://app.example.org/*' contains a wildcard");
        assertThat(find(server, "it-guard-wildcard")).isEmpty();
    }

    @Test
    void createWhenRedirectUriUsesHttpOnAPublicHostThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-http");
        client.put("redirectUris", List.of("http://app.example.org/callback"));

        assertRefused(create(server, client), "redirectUris: 'http://app.example.org/callback' uses http");
        assertThat(find(server, "it-guard-http")).isEmpty();
    }

    @Test
    void createWhenImplicitFlowIsOnThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-implicit");
        client.put("implicitFlowEnabled", true);

        assertRefused(create(server, client), "implicitFlowEnabled: the implicit flow is not allowed");
        assertThat(find(server, "it-guard-implicit")).isEmpty();
    }

    @Test
    void createWhenDirectAccessGrantsAreOnThenRefusedNamingTheField(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-ropc");
        client.put("directAccessGrantsEnabled", true);

        assertRefused(create(server, client), "directAccessGrantsEnabled: the password grant is not allowed");
        assertThat(find(server, "it-guard-ropc")).isEmpty();
    }

    @Test
    void createWhenCompliantAndPkceLeftOutThenCreatedWithS256(ApiGuardServer server) {
        Map<String, Object> client = compliantClient("it-guard-ok");

        assertThat(create(server, client).statusCode()).isEqualTo(201);
        List<Map<String, Object>> found = find(server, "it-guard-ok");
        assertThat(found).hasSize(1);
        assertThat(JsonPath.from(new Oidc(server).asAdmin().get(clientUrl(server, found)).asString())
                .getString("attributes.'pkce.code.challenge.method'")).isEqualTo("S256");
    }

    @Test
    void updateWhenDemoSpaPkceIsSetToPlainThenRefusedAndTheClientReadsBackUnchanged(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String url = clientUrl(server, find(server, "demo-spa"));
        Map<String, Object> before = oidc.asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Object> change = new HashMap<>(before);
        Map<String, Object> attributes = new HashMap<>(castMap(before.get("attributes")));
        attributes.put("pkce.code.challenge.method", "plain");
        change.put("attributes", attributes);

        Response response = oidc.asAdmin().contentType("application/json").body(change).put(url);

        assertRefused(response, "pkce.code.challenge.method: must be S256");
        Map<String, Object> after = oidc.asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void updateWhenDemoSpaGetsAWildcardRedirectUriThenRefusedAndTheClientReadsBackUnchanged(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String url = clientUrl(server, find(server, "demo-spa"));
        Map<String, Object> before = oidc.asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$");

        Response response = oidc.asAdmin().contentType("application/json")
                .body(Map.of("redirectUris", List.of("http://127.0.0.1/callback", "https://*.example.org/*")))
                .put(url);

        assertRefused(response, "redirectUris: 'https://*.example.org/*' contains a wildcard");
        assertThat(oidc.asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$")).isEqualTo(before);
    }

    @Test
    void updateWhenTheClientIsAnOperatorClientThenTheGuardDoesNotApply(ApiGuardServer server) {
        // security-admin-console has a wildcard redirect URI and no PKCE method of its own choosing:
        // saving it as it is must keep working, or administrators would be locked out.
        Oidc oidc = new Oidc(server);
        String url = clientUrl(server, find(server, "security-admin-console"));
        Map<String, Object> console = oidc.asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(console.get("redirectUris").toString()).contains("*");

        Response response = oidc.asAdmin().contentType("application/json").body(console).put(url);

        assertThat(response.statusCode()).isEqualTo(204);
    }

    // ---- helpers ----------------------------------------------------------------------------

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
        return new Oidc(server).asAdmin().contentType("application/json").body(client).post(BaselineProfileIT.adminClients(server));
    }

    private static List<Map<String, Object>> find(ApiGuardServer server, String clientId) {
        return new Oidc(server).asAdmin().queryParam("clientId", clientId).get(BaselineProfileIT.adminClients(server))
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static String clientUrl(ApiGuardServer server, List<Map<String, Object>> found) {
        assertThat(found).hasSize(1);
        return BaselineProfileIT.adminClients(server) + "/" + found.get(0).get("id");
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
