package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.demo.OrdersApi;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.Oidc.SecondFactor;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.RestAssured;
import io.restassured.config.RedirectConfig;
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo orders API, protected by apiguard-resource-server, against the real server and the shipped demo
 * realm: tokens from Keycloak's login pages, ABAC deciding orders:write, step-up (RFC 9470) for delete.
 */
@ExtendWith(SharedServerExtension.class)
class OrdersApiIT {

    private ApiGuardServer server;
    private OrdersApi api;
    private String apiBase;

    @BeforeEach
    void startApi(ApiGuardServer server) throws Exception {
        this.server = server;
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        apiBase = "https://localhost:" + port;
        api = OrdersApi.start(new OrdersApi.Settings(
                "127.0.0.1",
                port,
                URI.create(apiBase),
                server.realmUrl(Oidc.DEMO_REALM),
                OrdersApi.serverTls(
                        server.dataDir().resolve("tls/server.p12"),
                        server.credential("APIGUARD_TLS_KEYSTORE_PASSWORD").toCharArray()),
                OrdersApi.trusting(server.dataDir().resolve("tls/server.crt"))));
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private RequestSpecification call(String accessToken) {
        RequestSpecification request = RestAssured.given()
                .config(RestAssured.config()
                        .sslConfig(SSLConfig.sslConfig().trustStore(server.trustStore()))
                        .redirect(RedirectConfig.redirectConfig().followRedirects(false)));
        return accessToken == null ? request : request.header("Authorization", "Bearer " + accessToken);
    }

    /** The Bearer challenge among the WWW-Authenticate values (the DPoP challenge follows it). */
    private static String bearerChallenge(Response response) {
        return response.getHeaders().getValues("WWW-Authenticate").stream()
                .filter(c -> c.startsWith("Bearer "))
                .findFirst()
                .orElse("");
    }

    private static String accessToken(Response tokens) {
        assertThat(tokens.statusCode())
                .as("token response: %s", tokens.asString())
                .isEqualTo(200);
        return tokens.jsonPath().getString("access_token");
    }

    private Response create(String accessToken, String item) {
        return call(accessToken)
                .contentType("application/json")
                .body(Map.of("item", item, "quantity", 3))
                .post(apiBase + "/api/orders");
    }

    @Test
    void aliceWhenSalesWithVerifiedEmailThenReadsAndCreatesOrders() {
        Oidc oidc = new Oidc(server);
        String token = accessToken(oidc.loginAndRedeem(
                "alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read orders:write"));

        Response created = create(token, "Docking station");
        Response listed = call(token).get(apiBase + "/api/orders");

        assertThat(created.statusCode()).isEqualTo(201);
        long id = created.jsonPath().getLong("id");
        assertThat(created.jsonPath().getString("item")).isEqualTo("Docking station");
        assertThat(created.getHeader("Location")).isEqualTo("/api/orders/" + id);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.jsonPath().getList("orders.id", Long.class)).contains(id);
    }

    @Test
    void annWhenAbacDeniesOrdersWriteThenCreationIs403InsufficientScope() {
        Oidc oidc = new Oidc(server);
        String token = accessToken(oidc.loginAndRedeem(
                "ann", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read orders:write"));

        Response refused = create(token, "Should not exist");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(bearerChallenge(refused)).contains("error=\"insufficient_scope\"", "scope=\"orders:write\"");
        assertThat(refused.jsonPath().getString("error")).isEqualTo("insufficient_scope");
        assertThat(call(token).get(apiBase + "/api/orders").jsonPath().getList("orders.item"))
                .doesNotContain("Should not exist");
    }

    @Test
    void deleteWhenPasswordOnlyTokenThenStepUpChallengeAndWithAFreshSecondFactor204() {
        Oidc oidc = new Oidc(server);
        String user = "orders-admin-" + UUID.randomUUID().toString().substring(0, 8);
        String password = oidc.createUser(user, "api-user", "api-admin");
        SecondFactor otp = new SecondFactor();
        // Enrol the second factor once (as the user would have done before); that login is not used further.
        Pkce enrolment = Pkce.create();
        oidc.loginWithSecondFactor(
                oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), enrolment), user, password, otp);
        // Signed in with the password only, for reading (asking for orders:admin would prompt for the second factor).
        String passwordOnly = accessToken(oidc.loginAndRedeem(user, password, "openid orders:read"));
        String writer = accessToken(
                oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:write"));
        long id = create(writer, "To be deleted")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getLong("id");

        Response challenge = call(passwordOnly).delete(apiBase + "/api/orders/" + id);

        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(bearerChallenge(challenge))
                .contains(
                        "error=\"insufficient_user_authentication\"",
                        "acr_values=\"mfa\"",
                        "max_age=300",
                        "resource_metadata=\"" + apiBase + "/.well-known/oauth-protected-resource\"");

        // The client follows the challenge: a new authorization request with its acr_values and max_age.
        Pkce pkce = Pkce.create();
        Map<String, String> stepUp = Oidc.codeRequest("openid orders:read orders:admin", null);
        stepUp.put("acr_values", "mfa");
        stepUp.put("max_age", "300");
        Response redirect = oidc.loginWithSecondFactor(oidc.openLoginPage(stepUp, pkce), user, password, otp);
        assertThat(redirect.statusCode()).isEqualTo(302);
        String code = Oidc.queryOf(redirect.getHeader("Location")).get("code");
        String stepped = accessToken(oidc.redeem(code, pkce.verifier()));

        Response deleted = call(stepped).delete(apiBase + "/api/orders/" + id);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(call(stepped).get(apiBase + "/api/orders").jsonPath().getList("orders.id", Long.class))
                .doesNotContain(id);
    }

    @Test
    void ordersWhenNoTokenThen401WithChallengeAndMetadataIsPublic() {
        Response anonymous = call(null).get(apiBase + "/api/orders");
        Response metadata = call(null).get(apiBase + "/.well-known/oauth-protected-resource");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(bearerChallenge(anonymous))
                .startsWith("Bearer realm=\"orders\"")
                .doesNotContain("error=");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.jsonPath().getString("resource")).isEqualTo(apiBase);
        assertThat(metadata.jsonPath().getList("authorization_servers"))
                .containsExactly(server.realmUrl(Oidc.DEMO_REALM));
    }

    @Test
    void devCommandWhenReadyThenServesTheOrdersApiOnItsPort() {
        String served = "https://localhost:" + server.apiPort();
        String token = accessToken(new Oidc(server)
                .loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read"));

        Response metadata = call(null).get(served + "/.well-known/oauth-protected-resource");
        Response orders = call(token).get(served + "/api/orders");

        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.jsonPath().getString("resource")).isEqualTo(served);
        assertThat(orders.statusCode()).isEqualTo(200);
        assertThat(orders.jsonPath().getList("orders")).isNotEmpty();
        assertThat(server.output()).contains("Demo orders API      " + served + "/api/orders");
    }

    @Test
    void createWhenBodyIsNotAnOrderThen400NotA5xx() {
        Oidc oidc = new Oidc(server);
        String token = accessToken(
                oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:write"));

        Response notJson =
                call(token).contentType("application/json").body("{not json").post(apiBase + "/api/orders");
        Response badQuantity = call(token)
                .contentType("application/json")
                .body(Map.of("item", "x", "quantity", -1))
                .post(apiBase + "/api/orders");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.jsonPath().getString("error")).isEqualTo("invalid_request");
        assertThat(badQuantity.statusCode()).isEqualTo(400);
        assertThat(badQuantity.jsonPath().getString("error_description")).contains("between 1 and 1000");
    }
}
