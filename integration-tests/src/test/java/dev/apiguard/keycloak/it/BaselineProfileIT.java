package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static dev.apiguard.keycloak.it.support.Oidc.SPA_REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Events;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The baseline profile and policy of realm-config at the authorization and token endpoints:
 * PKCE S256 only, static-verifier detection, code replay, no implicit, hybrid or password grant,
 * exact redirect URIs.
 */
@ExtendWith(SharedServerExtension.class)
class BaselineProfileIT {

    // ---- PKCE at the authorization endpoint ------------------------------------------------

    @Test
    void authorizeWhenNoCodeChallengeThenInvalidRequestRedirectedToTheClient(ApiGuardServer server) {
        Map<String, String> request = Oidc.codeRequest("openid", null);
        request.remove("code_challenge");
        request.remove("code_challenge_method");

        Response response = new Oidc(server).authorize(request);

        assertRedirectedError(
                response, request.get("state"), "invalid_request", "Missing parameter: code_challenge_method");
    }

    @Test
    void authorizeWhenMethodIsPlainThenInvalidRequest(ApiGuardServer server) {
        Map<String, String> request = Oidc.codeRequest("openid", Pkce.create().verifier());
        request.put("code_challenge_method", "plain");

        Response response = new Oidc(server).authorize(request);

        // Keycloak's own check answers first for a client whose PKCE method is set (demo-spa: S256).
        assertRedirectedError(response, request.get("state"), "invalid_request", "code challenge method");
    }

    @Test
    void authorizeWhenChallengeHasNoMethodThenInvalidRequest(ApiGuardServer server) {
        Map<String, String> request = Oidc.codeRequest("openid", Pkce.create().challenge());
        request.remove("code_challenge_method");

        Response response = new Oidc(server).authorize(request);

        assertRedirectedError(
                response, request.get("state"), "invalid_request", "Missing parameter: code_challenge_method");
    }

    @Test
    void authorizeWhenS256ChallengeIsFreshThenLoginPage(ApiGuardServer server) {
        Response response = new Oidc(server)
                .authorize(Oidc.codeRequest("openid", Pkce.create().challenge()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("kc-form-login");
    }

    // ---- PKCE at the token endpoint --------------------------------------------------------

    @Test
    void tokenWhenVerifierIsWrongThenInvalidGrant(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String code = oidc.loginForCode("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid", Pkce.create());

        Response response = oidc.redeem(code, Pkce.create().verifier());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(response.jsonPath().getString("access_token")).isNull();
    }

    @Test
    void tokenWhenVerifierIsMissingThenInvalidGrant(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String code = oidc.loginForCode("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid", Pkce.create());

        Response response = oidc.redeem(code, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_grant");
    }

    @Test
    void tokenWhenConfidentialClientUsesS256ThenTokens(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String secret = Oidc.randomSecret();
        String clientId = "it-confidential-web";
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        false,
                        "secret",
                        secret,
                        "standardFlowEnabled",
                        true,
                        "directAccessGrantsEnabled",
                        false,
                        "implicitFlowEnabled",
                        false,
                        "redirectUris",
                        List.of("https://app.example.org/callback"),
                        "attributes",
                        Map.of("pkce.code.challenge.method", "S256")))
                .post(oidc.adminUrl("/clients"))
                .then()
                .statusCode(201);
        Pkce pkce = Pkce.create();
        Map<String, String> request = Oidc.codeRequest("openid", pkce.challenge());
        request.put("client_id", clientId);
        request.put("redirect_uri", "https://app.example.org/callback");
        Oidc.LoginPage login = oidc.openLoginPage(request, pkce);
        Map<String, String> callback = Oidc.queryOf(login.submit("alice", server.credential("APIGUARD_DEMO_PASSWORD"))
                .then()
                .statusCode(302)
                .extract()
                .header("Location"));

        Response response = oidc.request()
                .formParam("grant_type", "authorization_code")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .formParam("redirect_uri", "https://app.example.org/callback")
                .formParam("code", callback.get("code"))
                .formParam("code_verifier", pkce.verifier())
                .post(oidc.tokenEndpoint(DEMO_REALM));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(oidc.verify(DEMO_REALM, response.jsonPath().getString("access_token"))
                        .getClaim("azp"))
                .isEqualTo(clientId);
    }

    @Test
    void tokenWhenVerifierIsSentForACodeWithoutChallengeThenInvalidGrant(ApiGuardServer server) {
        // A code without challenge cannot be had under the baseline, so this uses a client of the
        // master realm, which has no baseline: Keycloak refuses the downgrade (RFC 9700 4.8.2) anywhere.
        Oidc oidc = new Oidc(server);
        String clientId = "it-no-pkce-" + Oidc.randomSecret().substring(0, 8);
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        true,
                        "standardFlowEnabled",
                        true,
                        "redirectUris",
                        List.of("http://127.0.0.1/cb")))
                .post(server.baseUrl() + "/admin/realms/master/clients")
                .then()
                .statusCode(201);
        Map<String, String> request = new LinkedHashMap<>(Map.of(
                "client_id",
                clientId,
                "response_type",
                "code",
                "redirect_uri",
                "http://127.0.0.1:1234/cb",
                "scope",
                "openid",
                "state",
                "s1"));
        Oidc.LoginPage login = oidc.openLoginPageIn("master", request);
        String location = login.submit(
                        server.credential("KC_BOOTSTRAP_ADMIN_USERNAME"),
                        server.credential("KC_BOOTSTRAP_ADMIN_PASSWORD"))
                .then()
                .statusCode(302)
                .extract()
                .header("Location");

        Response response = oidc.request()
                .formParam("grant_type", "authorization_code")
                .formParam("client_id", clientId)
                .formParam("redirect_uri", "http://127.0.0.1:1234/cb")
                .formParam("code", Oidc.queryOf(location).get("code"))
                .formParam("code_verifier", Pkce.create().verifier())
                .post(oidc.tokenEndpoint("master"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(response.jsonPath().getString("error_description")).contains("challenge not present");
    }

    @Test
    void discoveryWhenBaselineIsActiveThenAdvertisesS256Only(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        List<String> demo = oidc.request()
                .get(server.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("code_challenge_methods_supported");
        List<String> master = oidc.request()
                .get(server.realmUrl("master") + "/.well-known/openid-configuration")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("code_challenge_methods_supported");

        assertThat(demo).containsExactly("S256");
        assertThat(master)
                .as("a realm without the baseline keeps Keycloak's answer")
                .contains("plain", "S256");
    }

    // ---- Static-verifier detection ---------------------------------------------------------

    @Test
    void authorizeWhenTheSameChallengeComesAgainThenRefusedAndAnEventNamesTheRule(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String challenge = Pkce.create().challenge();
        oidc.authorize(Oidc.codeRequest("openid", challenge)).then().statusCode(200);
        Map<String, String> second = Oidc.codeRequest("openid", challenge);
        long sent = System.currentTimeMillis();

        Response response = oidc.authorize(second);

        assertRedirectedError(response, second.get("state"), "invalid_request", "code_challenge was already used");
        List<Map<String, Object>> events = Events.of(oidc, "LOGIN_ERROR", "demo-spa");
        assertThat(Events.matching(
                        events,
                        Events.since(sent),
                        Events.error("invalid_request"),
                        Events.detailContaining("client_policy_error_detail", "code_challenge was already used")))
                .isNotEmpty();
        assertThat(events.toString()).doesNotContain(challenge);
    }

    @Test
    void authorizeWhenAnotherClientSendsTheSameChallengeThenItIsNotRefused(ApiGuardServer server) {
        // A second public code-flow client under the baseline (an operator client would not be
        // checked at all, and the test could not fail).
        Oidc oidc = new Oidc(server);
        String secondClient = "it-second-spa";
        if (!oidc.clientExists(secondClient)) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(Map.of(
                            "clientId",
                            secondClient,
                            "publicClient",
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
        }
        String challenge = Pkce.create().challenge();
        oidc.authorize(Oidc.codeRequest("openid", challenge)).then().statusCode(200);
        Map<String, String> other = Oidc.codeRequest("openid", challenge);
        other.put("client_id", secondClient);

        Response response = oidc.authorize(other);

        assertThat(response.statusCode()).as("the memory is per client").isEqualTo(200);
        assertThat(oidc.authorize(Oidc.codeRequest("openid", challenge)).getHeader("Location"))
                .as("the first client is still refused the same challenge")
                .contains("error=invalid_request");
    }

    // ---- Codes ------------------------------------------------------------------------------

    @Test
    void tokenWhenCodeIsRedeemedTwiceThenInvalidGrantAndTheFirstTokensAreRevoked(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        Pkce pkce = Pkce.create();
        String code =
                oidc.loginForCode("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read", pkce);
        Response first = oidc.redeem(code, pkce.verifier())
                .then()
                .statusCode(200)
                .extract()
                .response();
        String accessToken = first.jsonPath().getString("access_token");
        assertThat(oidc.introspectAsOrdersApi(accessToken).jsonPath().getBoolean("active"))
                .as("before the replay")
                .isTrue();

        Response replay = oidc.redeem(code, pkce.verifier());

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.jsonPath().getString("error")).isEqualTo("invalid_grant");
        Response refresh = oidc.request()
                .formParam("grant_type", "refresh_token")
                .formParam("client_id", "demo-spa")
                .formParam("refresh_token", first.jsonPath().getString("refresh_token"))
                .post(oidc.tokenEndpoint(DEMO_REALM));
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(refresh.jsonPath().getString("error")).isEqualTo("invalid_grant");
        Response introspection = oidc.introspectAsOrdersApi(accessToken);
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(introspection.jsonPath().getBoolean("active"))
                .as("after the replay")
                .isFalse();
    }

    // ---- Grants and flows -------------------------------------------------------------------

    @Test
    void tokenWhenPasswordGrantIsRequestedByDemoSpaThenRefused(ApiGuardServer server) {
        Response response = passwordGrant(server, "demo-spa", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("access_token")).isNull();
        assertThat(response.jsonPath().getString("error")).isEqualTo("unauthorized_client");
        assertThat(response.jsonPath().getString("error_description"))
                .isEqualTo("Client not allowed for direct access grants");
    }

    @Test
    void tokenWhenPasswordGrantIsRequestedByAClientThatStillAllowsItThenTheBaselineRefusesIt(ApiGuardServer server) {
        String secret = LegacyClient.ensure(server);

        Response response = passwordGrant(server, LegacyClient.ID, secret);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(response.jsonPath().getString("error_description"))
                .isEqualTo("resource owner password credentials grant is prohibited.");
    }

    @Test
    void authorizeWhenImplicitFlowIsRequestedThenRefused(ApiGuardServer server) {
        LegacyClient.ensure(server);
        Map<String, String> request = legacyRequest("token");

        Response response = new Oidc(server).authorize(request);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.getHeader("Location"))
                .startsWith(LegacyClient.REDIRECT_URI)
                .contains("error=invalid_request")
                .contains("Implicit%2FHybrid+flow+is+prohibited");
    }

    @Test
    void authorizeWhenHybridFlowIsRequestedThenRefused(ApiGuardServer server) {
        LegacyClient.ensure(server);
        Map<String, String> request = legacyRequest("code id_token");

        Response response = new Oidc(server).authorize(request);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.getHeader("Location"))
                .contains("error=invalid_request")
                .contains("Implicit%2FHybrid+flow+is+prohibited");
    }

    // ---- Redirect URIs ----------------------------------------------------------------------

    @Test
    void authorizeWhenRedirectUriIsNotRegisteredThenErrorPageAndNoRedirect(ApiGuardServer server) {
        Map<String, String> request = Oidc.codeRequest("openid", Pkce.create().challenge());
        request.put("redirect_uri", "https://attacker.example.org/callback");

        Response response = new Oidc(server).authorize(request);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.getHeader("Location")).isNull();
    }

    @Test
    void authorizeWhenARegisteredWildcardWouldMatchThenRefusedBeforeAnyLoginPage(ApiGuardServer server) {
        LegacyClient.ensure(server);
        Map<String, String> request = legacyRequest("code");
        request.put("redirect_uri", "https://legacy.example.org/somewhere/else");

        Response response = new Oidc(server).authorize(request);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.getHeader("Location")).isNull();
        assertThat(response.asString()).doesNotContain("kc-form-login");
    }

    @Test
    void authorizeWhenLoopbackRedirectUriUsesAnyPortThenLoginPage(ApiGuardServer server) {
        Map<String, String> request = Oidc.codeRequest("openid", Pkce.create().challenge());
        request.put("redirect_uri", "http://127.0.0.1:53682/callback");

        Response response = new Oidc(server).authorize(request);

        assertThat(response.statusCode())
                .as("RFC 8252 7.3: any port on loopback")
                .isEqualTo(200);
    }

    // ---- Operators --------------------------------------------------------------------------

    @Test
    void operatorClientsWhenUsedThenTheBaselineDoesNotApply(ApiGuardServer server) {
        // admin-cli of the demo realm still has the password grant, for the realm's administrators.
        Response response = passwordGrant(server, "admin-cli", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("access_token")).isNotBlank();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Response passwordGrant(ApiGuardServer server, String clientId, String secret) {
        var request = new Oidc(server)
                .request()
                .formParam("grant_type", "password")
                .formParam("client_id", clientId)
                .formParam("username", "alice")
                .formParam("password", server.credential("APIGUARD_DEMO_PASSWORD"));
        if (secret != null) {
            request.formParam("client_secret", secret);
        }
        return request.post(new Oidc(server).tokenEndpoint(DEMO_REALM));
    }

    private static Map<String, String> legacyRequest(String responseType) {
        Map<String, String> request = Oidc.codeRequest("openid", Pkce.create().challenge());
        request.put("client_id", LegacyClient.ID);
        request.put("redirect_uri", LegacyClient.REDIRECT_URI);
        request.put("response_type", responseType);
        return request;
    }

    static void assertRedirectedError(Response response, String state, String error, String description) {
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.getHeader("Location");
        assertThat(location).startsWith(SPA_REDIRECT_URI);
        Map<String, String> callback = Oidc.queryOf(location);
        assertThat(callback)
                .containsEntry("error", error)
                .containsEntry("state", state)
                .doesNotContainKey("code");
        assertThat(callback.get("error_description")).contains(description);
    }

    /**
     * A client made before the baseline existed (partial import does not run client policies):
     * password grant and implicit flow on, a wildcard redirect URI.
     */
    static final class LegacyClient {

        static final String ID = "it-legacy-client";
        static final String REDIRECT_URI = "https://legacy.example.org/callback";

        private static String secret;

        static synchronized String ensure(ApiGuardServer server) {
            if (secret != null) {
                return secret;
            }
            String newSecret = Oidc.randomSecret();
            Oidc oidc = new Oidc(server);
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(Map.of(
                            "ifResourceExists",
                            "OVERWRITE",
                            "clients",
                            List.of(Map.of(
                                    "clientId",
                                    ID,
                                    "publicClient",
                                    false,
                                    "secret",
                                    newSecret,
                                    "standardFlowEnabled",
                                    true,
                                    "implicitFlowEnabled",
                                    true,
                                    "directAccessGrantsEnabled",
                                    true,
                                    "redirectUris",
                                    List.of(REDIRECT_URI, "https://legacy.example.org/*")))))
                    .post(server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/partialImport")
                    .then()
                    .statusCode(200);
            secret = newSecret;
            return secret;
        }
    }
}
