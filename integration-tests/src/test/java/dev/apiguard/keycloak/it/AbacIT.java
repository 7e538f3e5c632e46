package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attribute-based scope policies (ABAC) on the real server: the demo realm's shipped document
 * (orders:read for api-user, orders:write for the verified sales department, orders:admin for
 * api-admin; all three protected), and documents saved through the admin API. Every test that
 * saves its own document restores the shipped one.
 */
@ExtendWith(SharedServerExtension.class)
class AbacIT {

    private static final String POLICIES = "/apiguard/v1/policies";
    private static final String SHIPPED = readShipped();

    private Oidc oidc;

    @AfterEach
    void restoreTheShippedDocument() {
        if (oidc != null) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(SHIPPED)
                    .put(oidc.adminUrl(POLICIES))
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void codeFlowWhenTheUserIsInSalesWithAVerifiedEmailThenOrdersWriteIsPermitted(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);

        Response tokens = oidc.loginAndRedeem(
                        "alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read orders:write")
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(scopes(tokens)).contains("orders:read", "orders:write");
        assertThat(tokens.jsonPath().getString("scope").split(" ")).contains("orders:read", "orders:write");
    }

    @Test
    void codeFlowWhenTheUserIsNotInSalesThenOrdersWriteIsDroppedWithAnEventNamingThePolicy(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        String user = user("drop");
        String password = oidc.createUser(user, "api-user");
        oidc.setUserAttribute(oidc.userId(user), "department", "engineering");

        Response tokens = oidc.loginAndRedeem(user, password, "openid orders:read orders:write")
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(scopes(tokens)).contains("orders:read").doesNotContain("orders:write");
        assertThat(tokens.jsonPath().getString("scope").split(" ")).doesNotContain("orders:write");
        assertThat(matchingEvents(
                        "LOGIN_ERROR",
                        "demo-spa",
                        oidc.userId(user),
                        Map.of(
                                "scope",
                                "orders:write",
                                "apiguard_policy",
                                "orders-write-sales-verified",
                                "apiguard_action",
                                "drop",
                                "apiguard_condition",
                                "user.attributes.department == ['sales'] && user.emailVerified")))
                .hasSize(1);
        assertThat(events("LOGIN_ERROR", "demo-spa")).doesNotContain(password);
    }

    @Test
    void consentScreenWhenAScopeIsDeniedThenItIsNotOfferedWhileAPermittedUserIsOfferedIt(ApiGuardServer server) {
        oidc = new Oidc(server);
        String client = ensureConsentClient();
        String readText = consentText("orders:read");
        String writeText = consentText("orders:write");
        assertThat(writeText).as("orders:write's consent text").isNotBlank().isNotEqualTo(readText);
        String denied = user("consent");
        String deniedPassword = oidc.createUser(denied, "api-user");
        String permitted = user("consent-sales");
        String permittedPassword = oidc.createUser(permitted, "api-user");
        oidc.setUserAttribute(oidc.userId(permitted), "department", "sales");

        String deniedPage = consentPage(server, client, denied, deniedPassword);
        String permittedPage = consentPage(server, client, permitted, permittedPassword);

        assertThat(permittedPage)
                .as("control: the same request by a sales user offers orders:write")
                .contains(readText, writeText);
        assertThat(deniedPage).contains(readText).doesNotContain(writeText);
    }

    /** The text of the consent screen after login, for a request of orders:read and orders:write by the consent client. */
    private String consentPage(ApiGuardServer server, String client, String user, String password) {
        Map<String, String> request = Oidc.codeRequest("openid orders:read orders:write", null);
        request.put("client_id", client);
        Oidc.LoginPage login = oidc.openLoginPage(request, Pkce.create());
        Response consent = followInside(server, login, login.submit(user, password));
        assertThat(consent.statusCode())
                .as("consent page, Location %s", consent.getHeader("Location"))
                .isEqualTo(200);
        Document page = Jsoup.parse(consent.asString());
        assertThat(page.select("[name=accept]"))
                .as("the consent form's accept button: %s", page.text())
                .isNotEmpty();
        return page.text();
    }

    /** The consent-screen text of a demo-realm client scope, as the realm holds it. */
    private String consentText(String scope) {
        return oidc.asAdmin()
                .get(oidc.adminUrl("/client-scopes/" + oidc.clientScopeId(scope)))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("attributes.'consent.screen.text'");
    }

    @Test
    void codeFlowWhenADenyPolicyRefusesThenTheClientGetsAccessDenied(ApiGuardServer server) {
        oidc = new Oidc(server);
        saveShippedPlus("""
                {"name": "it-refuse-write", "scopes": ["orders:write"], "effect": "deny", "onDeny": "refuse",
                 "condition": "user.username.startsWith('it-abac-refuse-')"}""");
        String user = user("refuse");
        String password = oidc.createUser(user, "api-user");
        Oidc.LoginPage login = oidc.openLoginPage("openid orders:read orders:write");

        Response answer = followInside(server, login, login.submit(user, password));

        assertThat(answer.statusCode()).isEqualTo(302);
        Map<String, String> callback = Oidc.queryOf(answer.getHeader("Location"));
        assertThat(answer.getHeader("Location")).startsWith(Oidc.SPA_REDIRECT_URI);
        assertThat(callback).containsEntry("error", "access_denied").doesNotContainKey("code");
        assertThat(matchingEvents(
                        "LOGIN_ERROR",
                        "demo-spa",
                        oidc.userId(user),
                        Map.of(
                                "scope",
                                "orders:write",
                                "apiguard_policy",
                                "it-refuse-write",
                                "apiguard_action",
                                "refuse")))
                .hasSize(1);
    }

    @Test
    void refreshWhenARefusingPolicyNowDeniesAScopeOfTheTokenThenInvalidScope(ApiGuardServer server) {
        oidc = new Oidc(server);
        String user = user("refresh-refuse");
        String password = oidc.createUser(user, "api-user");
        Response tokens = oidc.loginAndRedeem(user, password, "openid orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();
        saveShippedPlus("""
                {"name": "it-refuse-read", "scopes": ["orders:read"], "effect": "deny", "onDeny": "refuse",
                 "condition": "user.username.startsWith('it-abac-refresh-refuse-')"}""");

        Response refreshed = refresh(tokens.jsonPath().getString("refresh_token"));

        assertThat(refreshed.statusCode()).isEqualTo(400);
        assertThat(refreshed.jsonPath().getString("error")).isEqualTo("invalid_scope");
        assertThat(refreshed.jsonPath().getString("error_description")).isEqualTo("Scope orders:read is not permitted");
        assertThat(refreshed.jsonPath().getString("access_token")).isNull();
        assertThat(matchingEvents(
                        "REFRESH_TOKEN_ERROR",
                        "demo-spa",
                        oidc.userId(user),
                        Map.of(
                                "scope",
                                "orders:read",
                                "apiguard_policy",
                                "it-refuse-read",
                                "apiguard_action",
                                "refuse")))
                .hasSize(1);
    }

    @Test
    void codeFlowWhenNoPolicyPermitsAProtectedScopeThenItIsDeniedByDefault(ApiGuardServer server) throws Exception {
        oidc = new Oidc(server);
        String user = user("default");
        String password = oidc.createUser(user);

        Response tokens = oidc.loginAndRedeem(user, password, "openid orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(scopes(tokens)).contains("openid").doesNotContain("orders:read");
        assertThat(tokens.jsonPath().getString("scope").split(" ")).doesNotContain("orders:read");
        assertThat(matchingEvents("LOGIN_ERROR", "demo-spa", oidc.userId(user), Map.of("scope", "orders:read")))
                .singleElement()
                .satisfies(event -> assertThat(String.valueOf(event.get("details")))
                        .contains("orders-read-api-users")
                        .contains("default deny"));
    }

    @Test
    void refreshWhenTheDepartmentChangesThenOrdersWriteIsDroppedFromTheNewTokens(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        String user = user("refresh");
        String password = oidc.createUser(user, "api-user");
        oidc.setUserAttribute(oidc.userId(user), "department", "sales");
        Response tokens = oidc.loginAndRedeem(user, password, "openid orders:read orders:write")
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertThat(scopes(tokens)).contains("orders:write");

        oidc.setUserAttribute(oidc.userId(user), "department", "engineering");
        Response refreshed = refresh(tokens.jsonPath().getString("refresh_token"))
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(scopes(refreshed)).contains("orders:read").doesNotContain("orders:write");
        assertThat(refreshed.jsonPath().getString("scope").split(" "))
                .contains("orders:read")
                .doesNotContain("orders:write");
        assertThat(SignedJWT.parse(refreshed.jsonPath().getString("refresh_token"))
                        .getJWTClaimsSet()
                        .getStringClaim("scope"))
                .doesNotContain("orders:write");
        assertThat(matchingEvents(
                        "REFRESH_TOKEN_ERROR",
                        "demo-spa",
                        oidc.userId(user),
                        Map.of(
                                "scope",
                                "orders:write",
                                "apiguard_policy",
                                "orders-write-sales-verified",
                                "apiguard_action",
                                "drop")))
                .isNotEmpty();
    }

    @Test
    void clientCredentialsWhenTheServiceAccountHasTheRoleThenPermittedAndWithoutItDenied(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        assertThat(scopes(oidc.demoServiceToken("orders:read")
                        .then()
                        .statusCode(200)
                        .extract()
                        .response()))
                .contains("orders:read");
        String clientId = "it-abac-service";
        if (!oidc.clientExists(clientId)) {
            oidc.createServiceClient(clientId);
            oidc.asAdmin()
                    .put(oidc.clientUrl(clientId) + "/optional-client-scopes/" + oidc.clientScopeId("orders:read"))
                    .then()
                    .statusCode(204);
        }
        String secret = oidc.clientSecret(clientId);

        Response response = oidc.clientCredentials(clientId, secret, "orders:read");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(scopes(response)).doesNotContain("orders:read");
        assertThat(response.jsonPath().getString("scope")).doesNotContain("orders:read");
        assertThat(events("CLIENT_LOGIN_ERROR", clientId))
                .contains("scope_policy_denied")
                .contains("orders-read-api-users");
    }

    @Test
    void tokenExchangeWhenTheSubjectUserIsNotInSalesThenOrdersWriteIsDroppedFromTheExchangedToken(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        String secret = TokenProfileIT.TokenExchange.ensureExchanger(oidc);
        oidc.asAdmin()
                .put(oidc.clientUrl(TokenProfileIT.TokenExchange.EXCHANGER) + "/optional-client-scopes/"
                        + oidc.clientScopeId("orders:write"))
                .then()
                .statusCode(204);
        String user = user("exchange");
        String password = oidc.createUser(user, "api-user");
        String subjectToken = oidc.loginAndRedeem(
                        user, password, "openid " + TokenProfileIT.TokenExchange.AUDIENCE_SCOPE)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Response response = TokenProfileIT.TokenExchange.exchange(oidc, secret, subjectToken, "orders:write");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(scopes(response)).doesNotContain("orders:write");
        assertThat(response.jsonPath().getString("scope").split(" "))
                .containsExactlyInAnyOrderElementsOf(scopes(response));
        assertThat(matchingEvents(
                        "TOKEN_EXCHANGE_ERROR",
                        TokenProfileIT.TokenExchange.EXCHANGER,
                        oidc.userId(user),
                        Map.of(
                                "scope",
                                "orders:write",
                                "apiguard_policy",
                                "orders-write-sales-verified",
                                "apiguard_action",
                                "drop")))
                .hasSize(1);
    }

    /**
     * Both deciders decide on the scope the client sent, whatever their order: ABAC would drop
     * orders:admin (no api-admin role) and step-up refuses it (the session has no second factor);
     * the refusal wins, as it would if step-up ran first.
     */
    @Test
    void tokenExchangeWhenAbacDropsAnAdministrativeScopeThatStepUpRefusesThenRefused(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        String secret = TokenProfileIT.TokenExchange.ensureExchanger(oidc);
        String user = user("exchange-admin");
        String password = oidc.createUser(user, "api-user");
        String subjectToken = oidc.loginAndRedeem(
                        user, password, "openid " + TokenProfileIT.TokenExchange.AUDIENCE_SCOPE)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Response response = TokenProfileIT.TokenExchange.exchange(oidc, secret, subjectToken, "orders:admin");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_scope");
    }

    @Test
    void saveWhenAConditionReadsAUserEditableAttributeThenRefusedNamingIt(ApiGuardServer server) {
        oidc = new Oidc(server);

        Response response = oidc.asAdmin()
                .contentType("application/json")
                .body(shippedPlus("""
                {"name": "it-trusts-first-name", "scopes": ["orders:write"], "effect": "permit",
                 "condition": "user.attributes.firstName == ['Boss']"}"""))
                .put(oidc.adminUrl(POLICIES));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_policy_document");
        assertThat(response.jsonPath().getList("problems", String.class))
                .containsExactly("policy \"it-trusts-first-name\" reads "
                        + "user attribute 'firstName', which users can edit themselves (user profile: edit permission includes user): "
                        + "only attributes users cannot edit may decide access");
        assertThat(oidc.asAdmin()
                        .get(oidc.adminUrl(POLICIES))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("it-trusts-first-name");
    }

    @Test
    void saveWhenTheDocumentIsInvalidThenRefusedWithLineAndColumnAndThePreviousStaysActive(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        saveShippedPlus("""
                {"name": "it-marker", "scopes": ["it-unused"], "effect": "permit", "condition": "true"}""");
        Response before = oidc.asAdmin()
                .get(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(200)
                .extract()
                .response();

        Response refused =
                oidc.asAdmin().contentType("application/json").body("""
                {"apiVersion": "apiguard/v1", "protectedScopes": ["orders:read"], "policies": [
                  {"name": "broken", "scopes": ["orders:read"], "effect": "permit", "condition": "'api-user' in user.realmRoles &&"}]}
                """).put(oidc.adminUrl(POLICIES));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getList("problems", String.class))
                .singleElement()
                .asString()
                .startsWith("policies[0].condition: line 1, column 33: ");
        Response after = oidc.asAdmin()
                .get(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertThat(after.getHeader("ETag")).isEqualTo(before.getHeader("ETag"));
        assertThat(after.asString()).isEqualTo(before.asString()).contains("it-marker");
        // The previous document still decides: alice keeps orders:write.
        Response tokens = oidc.loginAndRedeem(
                        "alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:write")
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertThat(scopes(tokens)).contains("orders:write");
    }

    @Test
    void saveWhenTheDocumentIsValidThenAnAdminEventRecordsItsVersion(ApiGuardServer server) {
        oidc = new Oidc(server);

        String version = oidc.asAdmin()
                .contentType("application/json")
                .body(SHIPPED)
                .put(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(200)
                .extract()
                .path("version");

        List<Map<String, Object>> events = oidc.asAdmin()
                .queryParam("resourceTypes", "REALM")
                .queryParam("operationTypes", "UPDATE")
                .queryParam("max", 20)
                .get(oidc.adminUrl("/admin-events"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(events).anySatisfy(event -> {
            assertThat((String) event.get("resourcePath")).endsWith("apiguard/v1/policies");
            assertThat(event.get("details"))
                    .isInstanceOfSatisfying(
                            Map.class,
                            details -> assertThat(details.get("scopePolicyVersion"))
                                    .isEqualTo(version));
        });
    }

    @Test
    void validateWhenAConditionHasASyntaxErrorThenLineAndColumnAndNothingIsStored(ApiGuardServer server) {
        oidc = new Oidc(server);

        Response response =
                oidc.asAdmin().contentType("application/json").body("""
                {"apiVersion": "apiguard/v1", "policies": [
                  {"name": "p", "scopes": ["s"], "effect": "permit", "condition": "user.emailVerified ==\\n  "}]}
                """).post(oidc.adminUrl(POLICIES + "/validate"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_policy_document");
        assertThat(response.jsonPath().getString("error_description"))
                .isEqualTo("the scope-policy document has 1 problem");
        assertThat(response.jsonPath().getList("problems", String.class))
                .singleElement()
                .asString()
                .startsWith("policies[0].condition: line 2, column 3: ");
        assertThat(oidc.asAdmin()
                        .get(oidc.adminUrl(POLICIES))
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .isEqualTo(SHIPPED);
    }

    @Test
    void explainWhenAskedForAUserClientAndScopeThenTheDecidingPolicy(ApiGuardServer server) {
        oidc = new Oidc(server);

        Response ann = explain("ann", "demo-spa", "orders:write");
        Response alice = explain("alice", "demo-spa", "orders:write");
        Response profile = explain("alice", "demo-spa", "profile");

        assertThat(ann.jsonPath().getString("decision")).isEqualTo("deny");
        assertThat(ann.jsonPath().getString("action")).isEqualTo("drop");
        assertThat(ann.jsonPath().getString("policy")).isEqualTo("orders-write-sales-verified");
        assertThat(ann.jsonPath().getString("reason")).isEqualTo("default deny: permit condition is false");
        assertThat(alice.jsonPath().getString("decision")).isEqualTo("permit");
        assertThat(alice.jsonPath().getString("policy")).isEqualTo("orders-write-sales-verified");
        assertThat(alice.jsonPath().getBoolean("scopeAvailableToClient")).isTrue();
        assertThat(profile.jsonPath().getString("decision")).isEqualTo("not_protected");
    }

    @Test
    void policiesEndpointWhenNoTokenThen401AndWithoutRealmPermissionsThen403(ApiGuardServer server) {
        oidc = new Oidc(server);
        String viewer = user("viewer");
        String viewerPassword = oidc.createUser(viewer);
        grantRealmManagementRole(viewer, "view-realm");
        String nobody = user("nobody");
        String nobodyPassword = oidc.createUser(nobody);

        oidc.request().get(oidc.adminUrl(POLICIES)).then().statusCode(401);
        oidc.request()
                .contentType("application/json")
                .body(SHIPPED)
                .put(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(401);
        String nobodyToken = demoRealmAdminCliToken(nobody, nobodyPassword);
        oidc.request()
                .auth()
                .oauth2(nobodyToken)
                .get(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(403);
        String viewerToken = demoRealmAdminCliToken(viewer, viewerPassword);
        oidc.request()
                .auth()
                .oauth2(viewerToken)
                .get(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(200);
        oidc.request()
                .auth()
                .oauth2(viewerToken)
                .contentType("application/json")
                .body(SHIPPED)
                .put(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(403);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String readShipped() {
        try {
            return Files.readString(
                    ApiGuardServer.repoRoot().resolve(Path.of("realm-config", "abac", "apiguard-demo-policies.json")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The shipped document with one more policy appended. */
    private static String shippedPlus(String policy) {
        int end = SHIPPED.lastIndexOf(']');
        return SHIPPED.substring(0, end) + ", " + policy + "\n  ]\n}\n";
    }

    private void saveShippedPlus(String policy) {
        oidc.asAdmin()
                .contentType("application/json")
                .body(shippedPlus(policy))
                .put(oidc.adminUrl(POLICIES))
                .then()
                .statusCode(200);
    }

    private Response explain(String user, String client, String scope) {
        return oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("user", user, "client", client, "scope", scope))
                .post(oidc.adminUrl(POLICIES + "/explain"))
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    private Response refresh(String refreshToken) {
        return oidc.request()
                .formParam("grant_type", "refresh_token")
                .formParam("client_id", Oidc.SPA_CLIENT)
                .formParam("refresh_token", refreshToken)
                .post(oidc.tokenEndpoint(DEMO_REALM));
    }

    /** Follows Keycloak's own redirects (login actions, required actions) as a browser would; stops at anything else. */
    private Response followInside(ApiGuardServer server, Oidc.LoginPage login, Response response) {
        for (int step = 0;
                step < 5
                        && response.statusCode() == 302
                        && response.getHeader("Location").startsWith(server.baseUrl());
                step++) {
            response = oidc.request().filter(Oidc.cookiesOf(login)).get(response.getHeader("Location"));
        }
        return response;
    }

    private void grantRealmManagementRole(String username, String role) {
        String realmManagement = oidc.clientUrl("realm-management");
        Map<String, Object> representation = oidc.asAdmin()
                .get(realmManagement + "/roles/" + role)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        String clientUuid = realmManagement.substring(realmManagement.lastIndexOf('/') + 1);
        oidc.asAdmin()
                .contentType("application/json")
                .body(List.of(representation))
                .post(oidc.adminUrl("/users/" + oidc.userId(username) + "/role-mappings/clients/" + clientUuid))
                .then()
                .statusCode(204);
    }

    /** A demo-realm user's token from the realm's own admin-cli (an operator client, outside the baseline). */
    private String demoRealmAdminCliToken(String username, String password) {
        return oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", username)
                .formParam("password", password)
                .post(oidc.tokenEndpoint(DEMO_REALM))
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** A public client like demo-spa that asks for consent, for the consent-screen test. */
    private String ensureConsentClient() {
        String clientId = "it-abac-consent";
        if (!oidc.clientExists(clientId)) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(Map.of(
                            "clientId",
                            clientId,
                            "publicClient",
                            true,
                            "consentRequired",
                            true,
                            "standardFlowEnabled",
                            true,
                            "directAccessGrantsEnabled",
                            false,
                            "implicitFlowEnabled",
                            false,
                            "redirectUris",
                            List.of("http://127.0.0.1/callback"),
                            "attributes",
                            Map.of("pkce.code.challenge.method", "S256")))
                    .post(oidc.adminUrl("/clients"))
                    .then()
                    .statusCode(201);
            for (String scope : List.of("orders:read", "orders:write")) {
                oidc.asAdmin()
                        .put(oidc.clientUrl(clientId) + "/optional-client-scopes/" + oidc.clientScopeId(scope))
                        .then()
                        .statusCode(204);
            }
        }
        return clientId;
    }

    private String events(String type, String client) {
        return oidc.asAdmin()
                .queryParam("type", type)
                .queryParam("client", client)
                .queryParam("max", 200)
                .get(oidc.adminUrl("/events"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /**
     * The events of this type and client for this user whose error is scope_policy_denied and whose
     * details hold every one of {@code details}: each event is matched as a whole, so different
     * events cannot satisfy different parts.
     */
    private List<Map<String, Object>> matchingEvents(
            String type, String client, String userId, Map<String, String> details) {
        List<Map<String, Object>> events = oidc.asAdmin()
                .queryParam("type", type)
                .queryParam("client", client)
                .queryParam("user", userId)
                .queryParam("max", 200)
                .get(oidc.adminUrl("/events"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return events.stream()
                .filter(event -> "scope_policy_denied".equals(event.get("error")) && userId.equals(event.get("userId")))
                .filter(event -> event.get("details") instanceof Map<?, ?> held
                        && details.entrySet().stream()
                                .allMatch(detail -> detail.getValue().equals(held.get(detail.getKey()))))
                .toList();
    }

    private static String user(String purpose) {
        return "it-abac-" + purpose + "-"
                + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
    }

    private static List<String> scopes(Response tokens) throws java.text.ParseException {
        JWTClaimsSet claims =
                SignedJWT.parse(tokens.jsonPath().getString("access_token")).getJWTClaimsSet();
        String scope = claims.getStringClaim("scope");
        return scope == null ? List.of() : List.of(scope.split(" "));
    }
}
