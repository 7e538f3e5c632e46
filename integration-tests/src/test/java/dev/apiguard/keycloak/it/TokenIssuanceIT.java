package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.util.Date;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tokens from the demo realm: client credentials and the authorization-code flow with PKCE. */
@ExtendWith(SharedServerExtension.class)
class TokenIssuanceIT {

    @Test
    void clientCredentialsWhenSecretIsRightThenTokenVerifiesAgainstLiveJwks(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);

        Response response = oidc.demoServiceToken("orders:read");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("token_type")).isEqualToIgnoringCase("Bearer");
        JWTClaimsSet claims = oidc.verify(DEMO_REALM, response.jsonPath().getString("access_token"));
        assertThat(claims.getIssuer()).isEqualTo(server.realmUrl(DEMO_REALM));
        assertThat(claims.getAudience()).containsExactly("orders-api");
        assertThat(claims.getStringClaim("azp")).isEqualTo("demo-service");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-service");
        assertThat(claims.getStringClaim("scope").split(" ")).containsExactly("orders:read");
        assertThat(claims.getExpirationTime()).isAfter(new Date());
    }

    // Keycloak 26.7 answers a wrong client secret with 401 "unauthorized_client" (RFC 6749 5.2 names
    // "invalid_client"); these tests pin Keycloak's answer so that a change to it is noticed.

    @Test
    void clientCredentialsWhenSecretIsWrongThen401(ApiGuardServer server) {
        Response response = new Oidc(server).clientCredentials("demo-service", "not-the-secret", "orders:read");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.jsonPath().getString("error")).isEqualTo("unauthorized_client");
        assertThat(response.jsonPath().getString("access_token")).isNull();
    }

    @Test
    void clientCredentialsWhenSecretIsThePlaceholderTextThen401(ApiGuardServer server) {
        // Proves the import resolved ${APIGUARD_DEMO_SERVICE_SECRET} instead of storing it literally.
        Response response =
                new Oidc(server).clientCredentials("demo-service", "${APIGUARD_DEMO_SERVICE_SECRET}", "orders:read");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.jsonPath().getString("error")).isEqualTo("unauthorized_client");
        assertThat(response.jsonPath().getString("access_token")).isNull();
    }

    @Test
    void clientCredentialsWhenScopeIsNotAllowedForTheClientThenInvalidScope(ApiGuardServer server) {
        Response response = new Oidc(server).demoServiceToken("orders:write");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_scope");
    }

    @Test
    void authorizationCodeWhenAliceLogsInWithPkceThenTokenForOrdersRead(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);

        Response response =
                oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read");

        assertThat(response.statusCode()).isEqualTo(200);
        JWTClaimsSet access = oidc.verify(DEMO_REALM, response.jsonPath().getString("access_token"));
        assertThat(access.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(access.getStringClaim("azp")).isEqualTo("demo-spa");
        assertThat(access.getAudience()).contains("orders-api");
        assertThat(access.getStringClaim("scope").split(" "))
                .contains("openid", "orders:read")
                .doesNotContain("orders:write");
        JWTClaimsSet id = oidc.verify(DEMO_REALM, response.jsonPath().getString("id_token"));
        assertThat(id.getAudience()).containsExactly("demo-spa");
        assertThat(id.getSubject()).isEqualTo(access.getSubject());
    }

    @Test
    void authorizationCodeWhenPasswordIsWrongThenLoginPageShowsAnErrorAndNoCodeIsIssued(ApiGuardServer server) {
        Oidc.LoginPage login = new Oidc(server).openLoginPage("openid orders:read");

        Response response = login.submit("alice", "wrong-password");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Location")).isNull();
        Document page = org.jsoup.Jsoup.parse(response.asString());
        assertThat(page.select("#input-error-username").text()).isEqualTo("Invalid username or password.");
    }

    @Test
    void loginPageWhenServedThenUsesTheApiGuardThemeAndSecurityHeaders(ApiGuardServer server) {
        Oidc.LoginPage login = new Oidc(server).openLoginPage("openid");

        assertThat(login.response().statusCode()).isEqualTo(200);
        assertThat(login.html().select("link[rel=stylesheet]").eachAttr("href"))
                .anySatisfy(href -> assertThat(href).matches(".*/resources/[^/]+/login/apiguard/css/apiguard\\.css"));
        assertThat(login.response().getHeader("Strict-Transport-Security")).startsWith("max-age=31536000");
        assertThat(login.response().getHeader("Content-Security-Policy")).contains("frame-ancestors 'self'");
        assertThat(login.response().getHeader("X-Frame-Options")).isEqualTo("SAMEORIGIN");
    }
}
