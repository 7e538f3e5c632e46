package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped realm-config imports cleanly and the realm holds what realm-config/README.md says. */
@ExtendWith(SharedServerExtension.class)
class DemoRealmIT {

    @Test
    void realmWhenImportedThenHardenedRealmSettingsAreInPlace(ApiGuardServer server) {
        JsonPath realm = admin(server, "").jsonPath();

        assertThat(realm.getString("realm")).isEqualTo(DEMO_REALM);
        assertThat(realm.getBoolean("enabled")).isTrue();
        assertThat(realm.getString("sslRequired")).isEqualTo("all");
        assertThat(realm.getBoolean("bruteForceProtected")).isTrue();
        assertThat(realm.getBoolean("registrationAllowed")).isFalse();
        assertThat(realm.getBoolean("eventsEnabled")).isTrue();
        assertThat(realm.getBoolean("adminEventsEnabled")).isTrue();
        assertThat(realm.getBoolean("adminEventsDetailsEnabled")).isTrue();
        assertThat(realm.getString("loginTheme")).isEqualTo("apiguard");
        assertThat(realm.getString("browserSecurityHeaders.strictTransportSecurity"))
                .startsWith("max-age=31536000");
        assertThat(realm.getString("browserSecurityHeaders.contentSecurityPolicy"))
                .contains("frame-ancestors 'self'");
    }

    @Test
    void realmWhenImportedThenHasTheTwoRealmRoles(ApiGuardServer server) {
        List<String> roles = admin(server, "/roles").jsonPath().getList("name");

        assertThat(roles).contains("api-user", "api-admin").doesNotContain("auditor");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"account", "account-console", "admin-cli", "security-admin-console", "broker", "realm-management"
            })
    void builtInClientWhenImportedThenKeepsKeycloaksDefaultScopes(String clientId, ApiGuardServer server) {
        String id = admin(server, "/clients?clientId=" + clientId).jsonPath().getString("[0].id");

        List<String> scopes = admin(server, "/clients/" + id + "/default-client-scopes")
                .jsonPath()
                .getList("name");

        assertThat(scopes)
                .as("default client scopes of %s", clientId)
                .containsExactlyInAnyOrder("basic", "profile", "email", "roles", "web-origins", "acr");
    }

    @Test
    void ordersScopesWhenImportedThenCarryTheOrdersApiAudience(ApiGuardServer server) {
        JsonPath scopes = admin(server, "/client-scopes").jsonPath();

        for (String name : List.of("orders:read", "orders:write", "orders:admin")) {
            assertThat(
                            scopes.getList(
                                    "findAll { it.name == '" + name + "' }.protocolMappers.flatten()"
                                            + ".findAll { it.protocolMapper == 'oidc-audience-mapper' }.config.'included.client.audience'"))
                    .as("audience of %s", name)
                    .containsExactly("orders-api");
        }
    }

    @Test
    void demoSpaWhenImportedThenIsAPublicCodeFlowClientWithExactRedirectUris(ApiGuardServer server) {
        JsonPath spa = client(server, "demo-spa");

        assertThat(spa.getBoolean("publicClient")).isTrue();
        assertThat(spa.getBoolean("standardFlowEnabled")).isTrue();
        assertThat(spa.getBoolean("implicitFlowEnabled")).isFalse();
        assertThat(spa.getBoolean("directAccessGrantsEnabled")).isFalse();
        assertThat(spa.getBoolean("serviceAccountsEnabled")).isFalse();
        assertThat(spa.getList("redirectUris")).containsExactly("http://127.0.0.1/callback");
        assertThat(spa.getString("attributes.'pkce.code.challenge.method'")).isEqualTo("S256");
        assertThat(spa.getList("optionalClientScopes")).contains("orders:read", "orders:write", "orders:admin");
    }

    @Test
    void demoServiceWhenImportedThenIsAConfidentialClientCredentialsClient(ApiGuardServer server) {
        JsonPath service = client(server, "demo-service");

        assertThat(service.getBoolean("publicClient")).isFalse();
        assertThat(service.getBoolean("serviceAccountsEnabled")).isTrue();
        assertThat(service.getBoolean("standardFlowEnabled")).isFalse();
        assertThat(service.getBoolean("directAccessGrantsEnabled")).isFalse();
        assertThat(service.getList("optionalClientScopes")).containsExactly("orders:read");
    }

    @Test
    void ordersApiWhenImportedThenCanObtainNoTokenItself(ApiGuardServer server) {
        JsonPath api = client(server, "orders-api");

        assertThat(api.getBoolean("publicClient")).isFalse();
        assertThat(api.getBoolean("standardFlowEnabled")).isFalse();
        assertThat(api.getBoolean("implicitFlowEnabled")).isFalse();
        assertThat(api.getBoolean("directAccessGrantsEnabled")).isFalse();
        assertThat(api.getBoolean("serviceAccountsEnabled")).isFalse();
    }

    /**
     * Keycloak 26.7 caches a client's role list only when it is not empty, and reads it for every
     * token of a client with full scope off: the demo's token clients each hold one client role,
     * held by no user, so their tokens cost no database query and carry no role of it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"demo-spa", "demo-service"})
    void leastPrivilegeClientWhenImportedThenHasOnlyTheRoleCacheAnchorHeldByNoOne(
            String clientId, ApiGuardServer server) {
        JsonPath client = client(server, clientId);
        String id = client.getString("id");

        assertThat(client.getBoolean("fullScopeAllowed")).isFalse();
        assertThat(admin(server, "/clients/" + id + "/roles").jsonPath().getList("name"))
                .containsExactly("role-cache-anchor");
        assertThat(admin(server, "/clients/" + id + "/roles/role-cache-anchor/users")
                        .jsonPath()
                        .getList("id"))
                .isEmpty();
        assertThat(admin(server, "/clients/" + id + "/roles/role-cache-anchor/groups")
                        .jsonPath()
                        .getList("id"))
                .isEmpty();
    }

    @Test
    void serviceTokenWhenIssuedThenCarriesNoRoleOfTheAnchorClient(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String token = oidc.demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Map<String, Object> claims = oidc.verify(DEMO_REALM, token).getClaims();

        @SuppressWarnings("unchecked")
        Map<String, Object> resourceAccess = (Map<String, Object>) claims.getOrDefault("resource_access", Map.of());
        assertThat(resourceAccess).doesNotContainKeys("demo-service", "demo-spa");
        assertThat(claims.toString()).doesNotContain("role-cache-anchor");
    }

    @Test
    void demoUsersWhenImportedThenHaveTheirRolesAndDepartments(ApiGuardServer server) {
        JsonPath alice = user(server, "alice");
        JsonPath ann = user(server, "ann");

        assertThat(alice.getBoolean("emailVerified")).isTrue();
        assertThat(alice.getList("attributes.department")).containsExactly("sales");
        assertThat(ann.getBoolean("emailVerified")).isTrue();
        assertThat(ann.getList("attributes.department")).containsExactly("engineering");
        assertThat(realmRolesOf(server, alice)).contains("api-user").doesNotContain("api-admin");
        assertThat(realmRolesOf(server, ann)).contains("api-user", "api-admin");
    }

    @Test
    void departmentWhenUserProfileIsReadThenOnlyAdministratorsMayEditIt(ApiGuardServer server) {
        JsonPath profile = admin(server, "/users/profile").jsonPath();

        Map<String, Object> department = profile.getMap("attributes.find { it.name == 'department' }");
        assertThat(department).as("department in the user profile").isNotNull();
        assertThat(profile.getList("attributes.find { it.name == 'department' }.permissions.edit"))
                .containsExactly("admin");
        assertThat(profile.getList("attributes.find { it.name == 'department' }.permissions.view"))
                .contains("admin", "user");
    }

    private static io.restassured.response.Response admin(ApiGuardServer server, String path) {
        return new Oidc(server)
                .asAdmin()
                .get(server.baseUrl() + "/admin/realms/" + DEMO_REALM + path)
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    private static JsonPath client(ApiGuardServer server, String clientId) {
        Oidc oidc = new Oidc(server);
        return oidc.asAdmin()
                .get(oidc.clientUrl(clientId))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath user(ApiGuardServer server, String username) {
        List<String> ids = new Oidc(server)
                .asAdmin()
                .queryParam("username", username)
                .queryParam("exact", true)
                .get(server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("id");
        assertThat(ids).as("user %s", username).hasSize(1);
        return admin(server, "/users/" + ids.get(0)).jsonPath();
    }

    private static List<String> realmRolesOf(ApiGuardServer server, JsonPath user) {
        return new Oidc(server)
                .asAdmin()
                .get(server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users/" + user.getString("id")
                        + "/role-mappings/realm")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("name");
    }
}
