package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provider JAR is deployed: Keycloak lists it, and its admin endpoint obeys Keycloak's admin permissions. */
@ExtendWith(SharedServerExtension.class)
class ProviderDeploymentIT {

    private static final String EXPECTED_VERSION = System.getProperty("apiguard.expected.version");

    @Test
    void serverInfoWhenJarIsDeployedThenListsTheApiGuardProviderWithItsVersion(ApiGuardServer server) {
        JsonPath info = new Oidc(server)
                .asAdmin()
                .get(server.baseUrl() + "/admin/serverinfo")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        String provider = "providers.'admin-realm-restapi-extension'.providers.apiguard";
        assertThat(info.getString(provider + ".operationalInfo.version")).isEqualTo(EXPECTED_VERSION);
        assertThat(info.getString(provider + ".operationalInfo.'keycloak-version-built-against'"))
                .isEqualTo(System.getProperty("apiguard.keycloak.version"));
        assertThat(info.getList("themes.login.name")).contains("apiguard");
    }

    @Test
    void infoEndpointWhenCallerHasViewRealmThenReturnsVersionAndRealm(ApiGuardServer server) {
        JsonPath info = new Oidc(server)
                .asAdmin()
                .get(infoUrl(server))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(info.getString("realm")).isEqualTo(DEMO_REALM);
        assertThat(info.getString("version")).isEqualTo(EXPECTED_VERSION);
        assertThat(info.getString("keycloakVersion")).isEqualTo(System.getProperty("apiguard.keycloak.version"));
    }

    @Test
    void infoEndpointWhenNoTokenThen401(ApiGuardServer server) {
        Response response = new Oidc(server).request().get(infoUrl(server));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void infoEndpointWhenUserHasNoAdminRoleThen403(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String aliceToken = oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Response response = oidc.request().auth().oauth2(aliceToken).get(infoUrl(server));

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void infoEndpointWhenTokenIsForgedThen401(ApiGuardServer server) {
        String forged =
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsImlzcyI6Imh0dHBzOi8vbG9jYWxob3N0L3JlYWxtcy9tYXN0ZXIifQ.";

        Response response = new Oidc(server).request().auth().oauth2(forged).get(infoUrl(server));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static String infoUrl(ApiGuardServer server) {
        return server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/apiguard/v1/info";
    }
}
