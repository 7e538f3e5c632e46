package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Short-lived RFC 9068 access tokens: lifetime ceilings for every grant, the client ceiling guard,
 * refresh-token reuse revoking the session, and FAPI 2.0 signing algorithms.
 */
@ExtendWith(SharedServerExtension.class)
class TokenProfileIT {

    // ---- Lifetimes -------------------------------------------------------------------------

    @Test
    void clientCredentialsWhenOnlyTheRealmSettingAppliesThenLifetimeIs300SecondsAndExpiresInAgrees(
            ApiGuardServer server) throws Exception {
        Response response = new Oidc(server)
                .demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();

        JWTClaimsSet claims = claims(response);
        assertThat(lifetime(claims)).isEqualTo(300);
        assertExpiresInAgrees(response, claims);
    }

    @Test
    void clientCredentialsWhenTheClientSetsAShorterLifespanThenItApplies(ApiGuardServer server) throws Exception {
        String secret = serviceClient(server, "it-short-lived-service", Map.of("access.token.lifespan", "60"));

        Response response = new Oidc(server)
                .clientCredentials("it-short-lived-service", secret, null)
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(lifetime(claims(response))).isEqualTo(60);
        assertExpiresInAgrees(response, claims(response));
    }

    @Test
    void codeAndRefreshWhenTheTokenCarriesOrdersAdminThenLifetimeIsTheScopesCeilingOf120Seconds(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        Response code = stepUpLogin(oidc, "lifetime", "openid orders:admin");
        JWTClaimsSet first = claims(code);
        assertThat(first.getStringClaim("scope").split(" ")).contains("orders:admin");
        assertThat(lifetime(first)).isEqualTo(120);
        assertExpiresInAgrees(code, first);

        Response refreshed = refresh(oidc, code.jsonPath().getString("refresh_token"));

        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(lifetime(claims(refreshed))).isEqualTo(120);
        assertExpiresInAgrees(refreshed, claims(refreshed));
    }

    @Test
    void tokenExchangeWhenTheExchangedTokenCarriesOrdersAdminThenLifetimeIsTheScopesCeilingOf120Seconds(
            ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String secret = TokenExchange.ensureExchanger(oidc);
        // orders:admin needs a fresh second factor on the subject token's session (step-up).
        String subjectToken = stepUpLogin(oidc, "exchange", "openid orders:admin " + TokenExchange.AUDIENCE_SCOPE)
                .jsonPath()
                .getString("access_token");
        assertThat(SignedJWT.parse(subjectToken).getJWTClaimsSet().getAudience())
                .contains(TokenExchange.EXCHANGER);

        Response response = TokenExchange.exchange(oidc, secret, subjectToken, "orders:admin");

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JWTClaimsSet exchanged = claims(response);
        assertThat(exchanged.getStringClaim("scope").split(" ")).contains("orders:admin");
        assertThat(exchanged.getStringClaim("client_id")).isEqualTo(TokenExchange.EXCHANGER);
        assertThat(lifetime(exchanged)).isEqualTo(120);
        assertExpiresInAgrees(response, exchanged);
    }

    @Test
    void tokenWhenTheRealmSettingIsRaisedAboveTheCeilingThenCappedAndReported(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String realmUrl = server.baseUrl() + "/admin/realms/" + DEMO_REALM;
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("accessTokenLifespan", 900))
                .put(realmUrl)
                .then()
                .statusCode(204);
        try {
            Response response = oidc.demoServiceToken("orders:read")
                    .then()
                    .statusCode(200)
                    .extract()
                    .response();
            JsonPath report = oidc.asAdmin()
                    .get(realmUrl + "/apiguard/v1/token-policy")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();

            assertThat(lifetime(claims(response))).isEqualTo(300);
            assertThat(report.getInt("accessTokenLifespanCeiling")).isEqualTo(300);
            assertThat(report.getInt("realmAccessTokenLifespan")).isEqualTo(900);
            assertThat(report.getList("findings", String.class))
                    .contains(
                            "realm accessTokenLifespan: 900 s is above the ceiling of 300 s; tokens are capped at 300 s");
        } finally {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(Map.of("accessTokenLifespan", 300))
                    .put(realmUrl)
                    .then()
                    .statusCode(204);
        }
    }

    @Test
    void tokenPolicyReportWhenNoTokenThen401(ApiGuardServer server) {
        Response response = new Oidc(server)
                .request()
                .get(server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/apiguard/v1/token-policy");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void clientUpdateWhenLifespanIsAboveTheCeilingThenRefusedNamingSettingAndCeilingAndUnchanged(
            ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String url = oidc.clientUrl("demo-service");
        Map<String, Object> before = oidc.asAdmin()
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");

        Response response = oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("attributes", Map.of("access.token.lifespan", "600")))
                .put(url);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_client_metadata");
        assertThat(response.jsonPath().getString("error_description"))
                .contains("access.token.lifespan: 600 s is outside 1..300 s (the realm's access-token ceiling");
        assertThat(oidc.asAdmin()
                        .get(url)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("$"))
                .isEqualTo(before);
    }

    // ---- RFC 9068 and algorithms -----------------------------------------------------------

    @Test
    void accessTokenWhenIssuedThenHasTheRfc9068HeaderClaimsAndEs256(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        Response response = oidc.demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();
        String token = response.jsonPath().getString("access_token");

        JWSHeader header = SignedJWT.parse(token).getHeader();
        JWTClaimsSet claims = oidc.verify(DEMO_REALM, token);
        assertThat(header.getType().toString()).isEqualTo("at+jwt");
        assertThat(header.getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(claims.getIssuer()).isEqualTo(server.realmUrl(DEMO_REALM));
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(claims.getAudience()).containsExactly("orders-api");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-service");
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(claims.getExpirationTime()).isNotNull();
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getStringClaim("scope").split(" ")).contains("orders:read");
    }

    @Test
    void codeFlowWhenAliceLogsInThenAccessAndIdTokensAreEs256AndTheAccessTokenNamesItsClient(ApiGuardServer server)
            throws Exception {
        Response response = aliceLogsIn(server, new Oidc(server));

        SignedJWT access = SignedJWT.parse(response.jsonPath().getString("access_token"));
        assertThat(access.getHeader().getType().toString()).isEqualTo("at+jwt");
        assertThat(access.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(access.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo("demo-spa");
        assertThat(access.getJWTClaimsSet().getAudience()).contains("orders-api");
        assertThat(SignedJWT.parse(response.jsonPath().getString("id_token"))
                        .getHeader()
                        .getAlgorithm()
                        .getName())
                .isEqualTo("ES256");
    }

    @Test
    void clientWhenItOptsInToRs256ThenItsTokensAreRs256AndVerify(ApiGuardServer server) throws Exception {
        String secret = serviceClient(server, "it-rs256-service", Map.of("access.token.signed.response.alg", "RS256"));
        Oidc oidc = new Oidc(server);

        String token = oidc.clientCredentials("it-rs256-service", secret, null)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(oidc.verify(DEMO_REALM, token).getStringClaim("client_id")).isEqualTo("it-rs256-service");
    }

    @Test
    void clientWhenItAsksForAlgorithmNoneThenRefusedNamingTheAttribute(ApiGuardServer server) {
        Map<String, Object> client =
                serviceClientRepresentation("it-none-alg", Map.of("access.token.signed.response.alg", "none"));

        Oidc oidc = new Oidc(server);
        Response response =
                oidc.asAdmin().contentType("application/json").body(client).post(oidc.adminUrl("/clients"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error_description"))
                .contains("access.token.signed.response.alg: none is not allowed");
    }

    @Test
    void discoveryWhenTheTokenPolicyIsActiveThenListsOnlyAllowedSigningAlgorithmsAndNeverNone(ApiGuardServer server) {
        JsonPath discovery = new Oidc(server)
                .request()
                .get(server.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(discovery.getList("id_token_signing_alg_values_supported", String.class))
                .contains("ES256")
                .isSubsetOf("ES256", "PS256", "EdDSA", "RS256");
        assertThat(discovery.getList("userinfo_signing_alg_values_supported", String.class))
                .isSubsetOf("ES256", "PS256", "EdDSA", "RS256");
        Map<String, Object> document = discovery.getMap("$");
        document.forEach((key, value) -> {
            if (key.endsWith("_alg_values_supported")) {
                assertThat(String.valueOf(value)).as(key).doesNotContain("none");
            }
        });
    }

    // ---- Refresh-token reuse ---------------------------------------------------------------

    @Test
    void refreshWhenAnAlreadyUsedRefreshTokenComesBackThenInvalidGrantAndTheWholeSessionIsRevoked(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        Response login = aliceLogsIn(server, oidc);
        String first = login.jsonPath().getString("refresh_token");
        Response rotated = refresh(oidc, first).then().statusCode(200).extract().response();
        String newest = rotated.jsonPath().getString("refresh_token");
        assertThat(newest).isNotEqualTo(first);
        String accessToken = rotated.jsonPath().getString("access_token");
        assertThat(oidc.introspectAsOrdersApi(accessToken).jsonPath().getBoolean("active"))
                .as("before the reuse")
                .isTrue();

        String sessionId = claims(login).getStringClaim("sid");
        assertThat(sessionId).isNotBlank();
        long before = System.currentTimeMillis();

        Response reuse = refresh(oidc, first);

        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(reuse.jsonPath().getString("error")).isEqualTo("invalid_grant");
        // Two records of the one refused request: API Guard's, naming user and session, and Keycloak's own
        // record of a client-policy refusal, which names neither (docs/short-lived-tokens.md).
        Response recorded = refreshTokenErrors(server, oidc);
        List<Map<String, Object>> reused =
                recorded.jsonPath().getList("findAll { it.error == 'refresh_token_reused' }");
        assertThat(reused)
                .filteredOn(event -> sessionId.equals(event.get("sessionId")))
                .singleElement()
                .satisfies(event -> assertThat(event.get("userId")).isEqualTo(oidc.userId("alice")));
        assertThat(reuseRefusals(recorded, before))
                .as("Keycloak's own REFRESH_TOKEN_ERROR for the refused request")
                .singleElement()
                .satisfies(event -> {
                    assertThat(event.get("userId")).isNull();
                    assertThat(event.get("sessionId")).isNull();
                });
        Response afterRevocation = refresh(oidc, newest);
        assertThat(afterRevocation.statusCode()).isEqualTo(400);
        assertThat(afterRevocation.jsonPath().getString("error")).isEqualTo("invalid_grant");
        Response introspection = oidc.introspectAsOrdersApi(accessToken);
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(introspection.jsonPath().getBoolean("active"))
                .as("after the reuse")
                .isFalse();
        String events = refreshTokenErrors(server, oidc).asString();
        assertThat(events)
                .contains("refresh_token_reused")
                .contains(sessionId)
                .doesNotContain(first)
                .doesNotContain(newest);
    }

    /**
     * Reuse detection reads most tokens without checking their signature, to let the ones that are
     * no reuse through cheaply; a session is revoked only for a verified token. A used token whose
     * signature is forged claims everything a reuse claims, and must revoke nothing.
     */
    @Test
    void refreshWhenAUsedRefreshTokenComesBackWithAForgedSignatureThenInvalidGrantAndTheSessionStays(
            ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        Response login = aliceLogsIn(server, oidc);
        String first = login.jsonPath().getString("refresh_token");
        String newest =
                refresh(oidc, first).then().statusCode(200).extract().jsonPath().getString("refresh_token");
        int signature = first.lastIndexOf('.') + 1;
        String forged = first.substring(0, signature)
                + (first.charAt(signature) == 'A' ? 'B' : 'A')
                + first.substring(signature + 1);

        Response reuse = refresh(oidc, forged);

        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(reuse.jsonPath().getString("error")).isEqualTo("invalid_grant");
        Response afterForgery = refresh(oidc, newest);
        assertThat(afterForgery.statusCode()).as("the session is still there").isEqualTo(200);
        String sessionId = claims(login).getStringClaim("sid");
        List<String> errors = refreshTokenErrors(server, oidc)
                .jsonPath()
                .getList("findAll { it.sessionId == '" + sessionId + "' }.error", String.class);
        assertThat(errors).doesNotContain("refresh_token_reused");
        // A genuine reuse (the token last used, presented again) still ends the session.
        assertThat(refresh(oidc, newest).jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(refresh(oidc, afterForgery.jsonPath().getString("refresh_token"))
                        .statusCode())
                .as("revoked by the genuine reuse")
                .isEqualTo(400);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Alice's code flow for {@code openid orders:read}, redeemed: the token response (200). */
    private static Response aliceLogsIn(ApiGuardServer server, Oidc oidc) {
        return oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    /**
     * Keycloak's records, from {@code since} (epoch ms) on, of refresh requests refused by reuse detection: error
     * invalid_grant, reason client_policy_error, the executor's detail.
     */
    private static List<Map<String, Object>> reuseRefusals(Response events, long since) {
        return events.jsonPath()
                .getList("findAll { it.time >= " + since + "L && it.error == 'invalid_grant'"
                        + " && it.details.reason == 'client_policy_error'"
                        + " && it.details.client_policy_error_detail"
                        + " == 'Refresh token reuse detected: the session was revoked' }");
    }

    /** The demo realm's stored {@code REFRESH_TOKEN_ERROR} events of {@code demo-spa}, newest first (200). */
    private static Response refreshTokenErrors(ApiGuardServer server, Oidc oidc) {
        return oidc.asAdmin()
                .queryParam("type", "REFRESH_TOKEN_ERROR")
                .queryParam("client", "demo-spa")
                .queryParam("max", 200)
                .get(server.baseUrl() + "/admin/realms/" + DEMO_REALM + "/events")
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    /**
     * A client allowed to exchange tokens (Keycloak's standard token exchange) for orders:admin,
     * and a client scope that puts it into the audience of demo-spa's tokens when requested.
     */
    static final class TokenExchange {

        static final String EXCHANGER = "it-token-exchanger";
        static final String AUDIENCE_SCOPE = "it-exchanger-audience";

        static synchronized String ensureExchanger(Oidc oidc) {
            if (!oidc.clientExists(EXCHANGER)) {
                oidc.asAdmin()
                        .contentType("application/json")
                        .body(Map.of(
                                "clientId",
                                EXCHANGER,
                                "publicClient",
                                false,
                                "serviceAccountsEnabled",
                                false,
                                "standardFlowEnabled",
                                false,
                                "directAccessGrantsEnabled",
                                false,
                                "implicitFlowEnabled",
                                false,
                                "attributes",
                                Map.of("standard.token.exchange.enabled", "true")))
                        .post(oidc.adminUrl("/clients"))
                        .then()
                        .statusCode(201);
                oidc.asAdmin()
                        .contentType("application/json")
                        .body(Map.of(
                                "name",
                                AUDIENCE_SCOPE,
                                "protocol",
                                "openid-connect",
                                "attributes",
                                Map.of("include.in.token.scope", "false"),
                                "protocolMappers",
                                List.of(Map.of(
                                        "name",
                                        "audience " + EXCHANGER,
                                        "protocol",
                                        "openid-connect",
                                        "protocolMapper",
                                        "oidc-audience-mapper",
                                        "config",
                                        Map.of("included.client.audience", EXCHANGER, "access.token.claim", "true")))))
                        .post(oidc.adminUrl("/client-scopes"))
                        .then()
                        .statusCode(201);
                oidc.asAdmin()
                        .put(oidc.clientUrl(EXCHANGER) + "/optional-client-scopes/"
                                + oidc.clientScopeId("orders:admin"))
                        .then()
                        .statusCode(204);
                oidc.asAdmin()
                        .put(oidc.clientUrl("demo-spa") + "/optional-client-scopes/"
                                + oidc.clientScopeId(AUDIENCE_SCOPE))
                        .then()
                        .statusCode(204);
            }
            return oidc.asAdmin()
                    .get(oidc.clientUrl(EXCHANGER) + "/client-secret")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("value");
        }

        /** A standard token exchange (RFC 8693) by the exchanger of an access token for one with {@code scope}. */
        static Response exchange(Oidc oidc, String secret, String subjectToken, String scope) {
            return oidc.request()
                    .formParam("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                    .formParam("client_id", EXCHANGER)
                    .formParam("client_secret", secret)
                    .formParam("subject_token", subjectToken)
                    .formParam("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
                    .formParam("requested_token_type", "urn:ietf:params:oauth:token-type:access_token")
                    .formParam("scope", scope)
                    .post(oidc.tokenEndpoint(DEMO_REALM));
        }
    }

    /** Logs a new user with api-admin in through password and OTP (enrolled on the way) and redeems the code. */
    private static Response stepUpLogin(Oidc oidc, String purpose, String scope) {
        String user = "it-tokens-" + purpose + "-"
                + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
        String password = oidc.createUser(user, "api-user", "api-admin");
        Oidc.Pkce pkce = Oidc.Pkce.create();
        Response redirect = oidc.loginWithSecondFactor(
                oidc.openLoginPage(Oidc.codeRequest(scope, null), pkce), user, password, new Oidc.SecondFactor());
        assertThat(redirect.statusCode()).isEqualTo(302);
        return oidc.redeem(Oidc.queryOf(redirect.getHeader("Location")).get("code"), pkce.verifier())
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    private static Response refresh(Oidc oidc, String refreshToken) {
        return oidc.request()
                .formParam("grant_type", "refresh_token")
                .formParam("client_id", "demo-spa")
                .formParam("refresh_token", refreshToken)
                .post(oidc.tokenEndpoint(DEMO_REALM));
    }

    private static JWTClaimsSet claims(Response response) throws ParseException {
        return SignedJWT.parse(response.jsonPath().getString("access_token")).getJWTClaimsSet();
    }

    private static long lifetime(JWTClaimsSet claims) {
        return (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
    }

    /** expires_in is computed when the response is built: the same second as iat, or the next one. */
    private static void assertExpiresInAgrees(Response response, JWTClaimsSet claims) {
        assertThat(response.jsonPath().getLong("expires_in")).isBetween(lifetime(claims) - 1, lifetime(claims));
    }

    private static Map<String, Object> serviceClientRepresentation(String clientId, Map<String, String> attributes) {
        Map<String, Object> client = new HashMap<>();
        client.put("clientId", clientId);
        client.put("publicClient", false);
        client.put("serviceAccountsEnabled", true);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("implicitFlowEnabled", false);
        client.put("attributes", attributes);
        return client;
    }

    /** Creates a client-credentials client (once per server) and returns its secret. */
    private static String serviceClient(ApiGuardServer server, String clientId, Map<String, String> attributes) {
        Oidc oidc = new Oidc(server);
        if (!oidc.clientExists(clientId)) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(serviceClientRepresentation(clientId, attributes))
                    .post(oidc.adminUrl("/clients"))
                    .then()
                    .statusCode(201);
        }
        return oidc.asAdmin()
                .get(oidc.clientUrl(clientId) + "/client-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("value");
    }
}
