package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.CibaChannel;
import dev.apiguard.keycloak.it.support.Events;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Step-up and ABAC on the grants besides code, refresh and client credentials (StepUpIT and AbacIT
 * cover those): the device grant (RFC 8628) and CIBA, which the demo realm allows a client to turn
 * on (CIBA's authentication device is {@link CibaChannel}), and the password and implicit grants,
 * which the baseline profile refuses but a realm's own profile may allow. On each, a login without
 * a second factor gets no administrative scope, with its event, and the ordinary scopes stay; on the
 * device grant, a user without the role gets none by ABAC either.
 */
@ExtendWith(SharedServerExtension.class)
class GrantPathsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMPLICIT_REDIRECT_URI = "https://app.example.org/implicit";

    @Test
    void deviceGrantWhenTheLoginHadNoSecondFactorThenStepUpWithholdsTheAdminScopeAndKeepsTheOthers(
            ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String clientId = deviceClient(oidc);
        String user = user("device");
        // api-admin: the ABAC demo policy permits orders:admin, so what withholds it is step-up.
        String password = oidc.createUser(user, "api-user", "api-admin");

        try {
            Response tokens = deviceGrant(oidc, server, clientId, user, password);

            JWTClaimsSet access = assertAdminScopeWithheld(tokens);
            assertThat(access.getStringClaim("acr")).isEqualTo("password");
            assertThat(scopes(
                            claims(tokens.jsonPath().getString("refresh_token")).getStringClaim("scope")))
                    .doesNotContain("orders:admin");
            assertOneAdminScopeEvent(oidc, "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", clientId, "step_up_required", user);
        } finally {
            deleteClient(oidc, clientId);
        }
    }

    @Test
    void deviceGrantWhenTheUserLacksTheRoleThenAbacWithholdsTheAdminScope(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String clientId = deviceClient(oidc);
        String user = user("device-abac");
        String password = oidc.createUser(user, "api-user");

        try {
            Response tokens = deviceGrant(oidc, server, clientId, user, password);

            assertAdminScopeWithheld(tokens);
            assertOneAdminScopeEvent(oidc, "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", clientId, "scope_policy_denied", user);
        } finally {
            deleteClient(oidc, clientId);
        }
    }

    @Test
    void cibaWhenTheUserApprovesOnTheDeviceThenStepUpWithholdsTheAdminScopeAndKeepsTheOthers(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        CibaChannel device = CibaChannel.shared().up();
        String user = user("ciba");
        oidc.createUser(user, "api-user", "api-admin");
        String clientId = "it-grant-ciba-" + suffix();
        createClient(
                oidc,
                Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        false,
                        "standardFlowEnabled",
                        false,
                        "attributes",
                        Map.of(
                                "oidc.ciba.grant.enabled", "true",
                                "ciba.backchannel.token.delivery.mode", "poll")));
        try {
            String secret = oidc.clientSecret(clientId);
            Response authentication = oidc.request()
                    .formParam("client_id", clientId)
                    .formParam("client_secret", secret)
                    .formParam("login_hint", user)
                    .formParam("scope", "openid orders:read orders:admin")
                    .post(server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/ext/ciba/auth");
            assertThat(authentication.statusCode())
                    .as(authentication.asString())
                    .isEqualTo(200);
            CibaChannel.Request request = device.awaitRequest(user, Duration.ofSeconds(20));
            oidc.request()
                    .header("Authorization", "Bearer " + request.bearerToken())
                    .contentType("application/json")
                    .body(Map.of("status", "SUCCEED"))
                    .post(server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/ext/ciba/auth/callback")
                    .then()
                    .statusCode(200);

            Response tokens =
                    pollCiba(oidc, clientId, secret, authentication.jsonPath().getString("auth_req_id"));

            assertAdminScopeWithheld(tokens);
            assertOneAdminScopeEvent(oidc, "AUTHREQID_TO_TOKEN_ERROR", clientId, "step_up_required", user);
        } finally {
            deleteClient(oidc, clientId);
        }
    }

    /** The CIBA token request, repeated while Keycloak answers that it is pending or too early (bounded). */
    private static Response pollCiba(Oidc oidc, String clientId, String secret, String authReqId)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Response response = oidc.request()
                    .formParam("grant_type", "urn:openid:params:grant-type:ciba")
                    .formParam("client_id", clientId)
                    .formParam("client_secret", secret)
                    .formParam("auth_req_id", authReqId)
                    .post(oidc.tokenEndpoint(DEMO_REALM));
            String error = response.statusCode() == 400 ? response.jsonPath().getString("error") : null;
            if (!("authorization_pending".equals(error) || "slow_down".equals(error)) || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(1_000);
        }
    }

    @Test
    void passwordGrantWhenTheRealmsProfileAllowsItThenStepUpWithholdsTheAdminScope(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("password");
        String password = oidc.createUser(user, "api-user", "api-admin");
        String clientId = "it-grant-password-" + suffix();
        try (ProfileWithout allowed = ProfileWithout.executors(oidc, "reject-ropc-grant", "apiguard-client-guard")) {
            createClient(
                    oidc,
                    Map.of(
                            "clientId", clientId,
                            "publicClient", false,
                            "standardFlowEnabled", false,
                            "directAccessGrantsEnabled", true));
            try {
                Response tokens = oidc.request()
                        .formParam("grant_type", "password")
                        .formParam("client_id", clientId)
                        .formParam("client_secret", oidc.clientSecret(clientId))
                        .formParam("username", user)
                        .formParam("password", password)
                        .formParam("scope", "openid orders:read orders:admin")
                        .post(oidc.tokenEndpoint(DEMO_REALM));

                assertAdminScopeWithheld(tokens);
                assertOneAdminScopeEvent(oidc, "LOGIN_ERROR", clientId, "step_up_required", user);
            } finally {
                deleteClient(oidc, clientId);
            }
        }
    }

    @Test
    void implicitFlowWhenTheRequestNamesALowerAcrThenTheTokenFromTheAuthorizationEndpointHasNoAdminScope(
            ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("implicit");
        String password = oidc.createUser(user, "api-user", "api-admin");
        String clientId = "it-grant-implicit-" + suffix();
        try (ProfileWithout allowed =
                ProfileWithout.executors(oidc, "reject-implicit-grant", "apiguard-client-guard")) {
            createClient(
                    oidc,
                    Map.of(
                            "clientId", clientId,
                            "publicClient", true,
                            "standardFlowEnabled", false,
                            "implicitFlowEnabled", true,
                            "redirectUris", List.of(IMPLICIT_REDIRECT_URI)));
            try {
                Map<String, String> request = new LinkedHashMap<>();
                request.put("client_id", clientId);
                request.put("response_type", "token");
                request.put("redirect_uri", IMPLICIT_REDIRECT_URI);
                request.put("scope", "openid orders:read orders:admin");
                request.put("state", suffix());
                request.put("nonce", suffix());
                // The realm's pkce-enforcer asks every authorization request for a challenge.
                request.put("code_challenge", Pkce.create().challenge());
                request.put("code_challenge_method", "S256");
                // A request that names its own, weaker acr keeps it (RFC 9470): no second factor is
                // asked, so the token's issuance must decide.
                request.put("acr_values", "password");
                CookieFilter browser = new CookieFilter();
                Response page =
                        oidc.request().filter(browser).queryParams(request).get(oidc.authorizationEndpoint());
                assertThat(page.statusCode())
                        .as("%s %s", page.getHeader("Location"), page.asString())
                        .isEqualTo(200);
                Element form = Jsoup.parse(page.asString(), server.baseUrl()).selectFirst("form#kc-form-login");
                assertThat(form).as("login form").isNotNull();

                Response redirect = oidc.request()
                        .filter(browser)
                        .formParam("username", user)
                        .formParam("password", password)
                        .formParam("credentialId", "")
                        .post(form.absUrl("action"));

                assertThat(redirect.statusCode()).as(redirect.asString()).isEqualTo(302);
                Map<String, String> fragment = fragmentOf(redirect.getHeader("Location"));
                assertThat(fragment).containsKey("access_token");
                JWTClaimsSet access = claims(fragment.get("access_token"));
                assertThat(access.getStringClaim("acr")).isEqualTo("password");
                assertThat(scopes(access.getStringClaim("scope")))
                        .contains("orders:read")
                        .doesNotContain("orders:admin");
                assertOneAdminScopeEvent(oidc, "LOGIN_ERROR", clientId, "step_up_required", user);
            } finally {
                deleteClient(oidc, clientId);
            }
        }
    }

    /**
     * The device grant for {@code user}: the client asks for orders:read and orders:admin (with
     * PKCE, which the realm's pkce-enforcer asks on this grant too), the user signs in with the
     * password at the verification URI, the client redeems the device code.
     */
    private static Response deviceGrant(
            Oidc oidc, ApiGuardServer server, String clientId, String user, String password) {
        Pkce pkce = Pkce.create();
        Response authorization = oidc.request()
                .formParam("client_id", clientId)
                .formParam("scope", "openid orders:read orders:admin")
                .formParam("code_challenge", pkce.challenge())
                .formParam("code_challenge_method", "S256")
                .post(server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/auth/device")
                .then()
                .statusCode(200)
                .extract()
                .response();
        approveDevice(oidc, server, authorization.jsonPath().getString("verification_uri_complete"), user, password);
        return oidc.request()
                .formParam("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
                .formParam("client_id", clientId)
                .formParam("device_code", authorization.jsonPath().getString("device_code"))
                .formParam("code_verifier", pkce.verifier())
                .post(oidc.tokenEndpoint(DEMO_REALM));
    }

    /**
     * The user's side of the device grant over HTTP: opens the verification URI, signs in with the
     * password (nothing asks for a level here, so no second factor comes), grants consent.
     */
    private static void approveDevice(
            Oidc oidc, ApiGuardServer server, String verificationUri, String user, String password) {
        CookieFilter browser = new CookieFilter();
        Response response = oidc.request().filter(browser).get(verificationUri);
        boolean signedIn = false;
        boolean consented = false;
        for (int step = 0; step < 8; step++) {
            String location = response.getHeader("Location");
            if (response.statusCode() == 302 && location != null) {
                response = oidc.request().filter(browser).get(location);
                continue;
            }
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            Document page = Jsoup.parse(response.asString(), server.baseUrl());
            Element login = page.selectFirst("form#kc-form-login");
            Element consent = page.selectFirst("form:has([name=accept])");
            if (login != null && !signedIn) {
                signedIn = true;
                response = oidc.request()
                        .filter(browser)
                        .formParam("username", user)
                        .formParam("password", password)
                        .formParam("credentialId", "")
                        .post(login.absUrl("action"));
            } else if (consent != null && !consented) {
                consented = true;
                response = oidc.request()
                        .filter(browser)
                        .formParam("code", consent.select("input[name=code]").val())
                        .formParam("accept", "")
                        .post(consent.absUrl("action"));
            } else {
                assertThat(signedIn && consented)
                        .as("signed in and consented, then: %s", page.title())
                        .isTrue();
                assertThat(login).as("no second login form").isNull();
                return;
            }
        }
        throw new AssertionError("the device verification did not end in 8 steps");
    }

    /** A new public demo-realm client for the device grant only, with orders:read and orders:admin as optional scopes. */
    private static String deviceClient(Oidc oidc) {
        String clientId = "it-grant-device-" + suffix();
        createClient(
                oidc,
                Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        true,
                        "standardFlowEnabled",
                        false,
                        "attributes",
                        Map.of("oauth2.device.authorization.grant.enabled", "true")));
        return clientId;
    }

    /** Creates a demo-realm client (201) with orders:read and orders:admin as optional scopes. */
    private static void createClient(Oidc oidc, Map<String, Object> representation) {
        Response created = oidc.asAdmin()
                .contentType("application/json")
                .body(representation)
                .post(oidc.adminUrl("/clients"));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String clientUrl = oidc.clientUrl((String) representation.get("clientId"));
        for (String scope : List.of("orders:read", "orders:admin")) {
            oidc.asAdmin()
                    .put(clientUrl + "/optional-client-scopes/" + oidc.clientScopeId(scope))
                    .then()
                    .statusCode(204);
        }
    }

    private static void deleteClient(Oidc oidc, String clientId) {
        oidc.asAdmin().delete(oidc.clientUrl(clientId)).then().statusCode(204);
    }

    /**
     * The demo realm's client profiles without some executors, as a realm that composes its own
     * profile might have them; the saved profiles come back on close.
     */
    static final class ProfileWithout implements AutoCloseable {

        private final Oidc oidc;
        private final String original;

        private ProfileWithout(Oidc oidc, String original) {
            this.oidc = oidc;
            this.original = original;
        }

        static ProfileWithout executors(Oidc oidc, String... executors) throws Exception {
            String original = oidc.asAdmin()
                    .get(oidc.adminUrl("/client-policies/profiles"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            JsonNode profiles = JSON.readTree(original);
            Set<String> removed = Set.of(executors);
            int count = 0;
            for (JsonNode profile : profiles.get("profiles")) {
                ArrayNode list = (ArrayNode) profile.get("executors");
                for (int i = list.size() - 1; i >= 0; i--) {
                    if (removed.contains(list.get(i).get("executor").asText())) {
                        list.remove(i);
                        count++;
                    }
                }
            }
            assertThat(count).as("the demo profile has %s", removed).isEqualTo(removed.size());
            put(oidc, JSON.writeValueAsString(profiles));
            return new ProfileWithout(oidc, original);
        }

        private static void put(Oidc oidc, String body) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(body)
                    .put(oidc.adminUrl("/client-policies/profiles"))
                    .then()
                    .statusCode(204);
        }

        @Override
        public void close() {
            put(oidc, original);
        }
    }

    /** A token response (200) whose access token and {@code scope} keep orders:read and lack orders:admin. */
    private static JWTClaimsSet assertAdminScopeWithheld(Response tokens) throws java.text.ParseException {
        assertThat(tokens.statusCode()).as(tokens.asString()).isEqualTo(200);
        JWTClaimsSet access = claims(tokens.jsonPath().getString("access_token"));
        assertThat(scopes(access.getStringClaim("scope")))
                .contains("orders:read")
                .doesNotContain("orders:admin");
        assertThat(scopes(tokens.jsonPath().getString("scope")))
                .contains("orders:read")
                .doesNotContain("orders:admin");
        return access;
    }

    /** Exactly one event {@code type} of the client with {@code error}, naming {@code user} and orders:admin. */
    private static void assertOneAdminScopeEvent(Oidc oidc, String type, String clientId, String error, String user) {
        assertThat(Events.matching(
                        Events.of(oidc, type, clientId),
                        Events.error(error),
                        Events.user(oidc.userId(user)),
                        Events.detail("scope", "orders:admin")))
                .as("%s %s for %s", type, error, user)
                .hasSize(1);
    }

    private static Map<String, String> fragmentOf(String location) {
        assertThat(location).as("redirect location").isNotNull();
        String fragment = URI.create(location).getRawFragment();
        assertThat(fragment)
                .as("fragment of %s", location.replaceAll("#.*", "#..."))
                .isNotNull();
        return Oidc.queryOf("http://x/?" + fragment);
    }

    private static JWTClaimsSet claims(String jwt) throws java.text.ParseException {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    private static List<String> scopes(String scope) {
        return List.of(scope.split(" "));
    }

    private static String user(String purpose) {
        return "it-grant-" + purpose + "-" + suffix();
    }

    private static String suffix() {
        return Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
    }
}
