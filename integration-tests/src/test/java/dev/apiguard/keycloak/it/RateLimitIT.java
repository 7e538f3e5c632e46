package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Events;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import dev.apiguard.keycloak.it.support.StructuredFields;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limiting on the real server. Each test but the demo one makes its own realm (removed
 * afterwards) with two confidential clients, {@code busy} and {@code other}, and saves its
 * rate-limit document through the admin API. The RateLimit fields are parsed as RFC 9651 lists.
 */
@ExtendWith(SharedServerExtension.class)
class RateLimitIT {

    private static final String SECRET_BUSY = Oidc.randomSecret();
    private static final String SECRET_OTHER = Oidc.randomSecret();

    private Oidc oidc;
    private ApiGuardServer server;
    private String realm;

    @AfterEach
    void removeTheRealm() {
        if (realm != null) {
            oidc.asAdmin().delete(server.baseUrl() + "/admin/realms/" + realm);
        }
    }

    @Test
    void tokenBurstWhenOverTheClientsLimitThen429WithRetryAfterAndBothFieldsWhileAnotherClientIsServed(
            ApiGuardServer server) throws Exception {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "tiers": {"standard": {"capacity": 5, "rate": "12/m"}}, "defaultTier": "standard",
                 "rules": [{"name": "clients", "key": "client", "tiered": true, "endpoints": ["token"]}]}""");

        Response first = clientCredentials("busy", SECRET_BUSY);
        assertThat(first.statusCode()).isEqualTo(200);
        StructuredFields.Item firstPolicy = only(first.getHeader("RateLimit-Policy"));
        assertThat(firstPolicy.value()).isEqualTo("clients");
        assertThat(firstPolicy.integer("q")).isEqualTo(5);
        assertThat(firstPolicy.integer("w")).isEqualTo(25);
        StructuredFields.Item firstState = only(first.getHeader("RateLimit"));
        assertThat(firstState.value()).isEqualTo("clients");
        assertThat(firstState.integer("r")).isBetween(3L, 4L);
        Response refused = null;
        int admitted = 1;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response answer = clientCredentials("busy", SECRET_BUSY);
            if (answer.statusCode() == 429) {
                refused = answer;
            } else {
                assertThat(answer.statusCode()).isEqualTo(200);
                admitted++;
            }
        }

        assertThat(refused).as("a 429 within 20 requests").isNotNull();
        assertThat(admitted).isBetween(5, 7);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("too_many_requests");
        assertThat(refused.jsonPath().getString("error_description")).isEqualTo("Too many requests, retry later");
        assertThat(refused.jsonPath().getString("access_token")).isNull();
        long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 5L);
        assertThat(only(refused.getHeader("RateLimit-Policy")).integer("q")).isEqualTo(5);
        StructuredFields.Item state = only(refused.getHeader("RateLimit"));
        assertThat(state.integer("r")).isZero();
        assertThat(state.integer("t")).isBetween(retryAfter, 25L);
        assertThat(clientCredentials("other", SECRET_OTHER).statusCode())
                .as("another client of the realm")
                .isEqualTo(200);

        Thread.sleep(retryAfter * 1000);
        assertThat(clientCredentials("busy", SECRET_BUSY).statusCode())
                .as("after Retry-After")
                .isEqualTo(200);
    }

    @Test
    void tierRulesWhenTheServiceAccountHasTheRoleThenItsClientGetsThatTierAndAnotherTheDefault(ApiGuardServer server) {
        start(server);
        admin().contentType("application/json")
                .body(Map.of("name", "partner-service"))
                .post(adminRealm() + "/roles")
                .then()
                .statusCode(201);
        Map<String, Object> role = admin().get(adminRealm() + "/roles/partner-service")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        String busyId = admin().queryParam("clientId", "busy")
                .get(adminRealm() + "/clients")
                .jsonPath()
                .getString("[0].id");
        String accountId = admin().get(adminRealm() + "/clients/" + busyId + "/service-account-user")
                .jsonPath()
                .getString("id");
        admin().contentType("application/json")
                .body(List.of(role))
                .post(adminRealm() + "/users/" + accountId + "/role-mappings/realm")
                .then()
                .statusCode(204);
        save("""
                {"apiVersion": "apiguard/v1",
                 "tiers": {"standard": {"capacity": 2, "rate": "1/h"}, "partner": {"capacity": 6, "rate": "1/h"}},
                 "defaultTier": "standard",
                 "tierRules": [{"when": "'partner-service' in client.realmRoles", "tier": "partner"}],
                 "rules": [{"name": "clients", "key": "client", "tiered": true, "endpoints": ["token"]}]}""");

        Response busy = clientCredentials("busy", SECRET_BUSY);
        Response other = clientCredentials("other", SECRET_OTHER);

        assertThat(busy.statusCode()).isEqualTo(200);
        assertThat(only(busy.getHeader("RateLimit-Policy")).integer("q"))
                .as("the role's tier")
                .isEqualTo(6);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(only(other.getHeader("RateLimit-Policy")).integer("q"))
                .as("the default tier")
                .isEqualTo(2);
        int admitted = 1;
        for (int i = 0; i < 8; i++) {
            admitted += clientCredentials("busy", SECRET_BUSY).statusCode() == 200 ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(6);
    }

    @Test
    void tokenWhenFailedClientAuthenticationsFromAnAddressExceedItsLimitThen429BeforeTheSecretIsChecked(
            ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "unauthenticated", "key": "address", "count": "failures", "capacity": 3,
                            "rate": "1/h", "endpoints": ["token"]},
                           {"name": "clients", "key": "client", "capacity": 3, "rate": "1/h", "endpoints": ["token"]}]}""");

        for (int i = 0; i < 3; i++) {
            assertThat(clientCredentials("busy", "wrong-" + i).statusCode()).isEqualTo(401);
        }
        Response refused = clientCredentials("busy", SECRET_BUSY);

        assertThat(refused.statusCode())
                .as("the right secret, after 3 failures")
                .isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(StructuredFields.parseList(refused.getHeader("RateLimit")))
                .extracting(StructuredFields.Item::value)
                .containsExactly("unauthenticated", "clients");
        assertThat(StructuredFields.parseList(refused.getHeader("RateLimit"))
                        .get(1)
                        .integer("r"))
                .as("failed authentications did not drain busy's own bucket")
                .isEqualTo(3);
    }

    @Test
    void passwordGrantWhenTheUsernameIsOverItsLimitThen429BeforeThePasswordCheckAndBruteForceDoesNotCount(
            ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "passwords", "key": "username", "capacity": 2, "rate": "1/h"}]}""");
        String password = Oidc.randomSecret();
        String userId = createUser("victim", password);

        assertThat(passwordGrant("victim", "wrong-1").jsonPath().getString("error"))
                .isEqualTo("invalid_grant");
        assertThat(passwordGrant("Victim", "wrong-2").jsonPath().getString("error"))
                .isEqualTo("invalid_grant");
        awaitBruteForceFailures(userId, 2);
        Response wrong = passwordGrant("victim", "wrong-3");
        Response right = passwordGrant("VICTIM", password);

        assertThat(wrong.statusCode()).isEqualTo(429);
        assertThat(right.statusCode())
                .as("the right password is not even checked")
                .isEqualTo(429);
        assertThat(right.jsonPath().getString("access_token")).isNull();
        assertThat(bruteForceFailures(userId))
                .as("429s are no brute-force failures")
                .isEqualTo(2);
        assertThat(admin().get(adminRealm() + "/attack-detection/brute-force/users/" + userId)
                        .jsonPath()
                        .getBoolean("disabled"))
                .isFalse();
        assertThat(passwordGrant("someone-else", "x").jsonPath().getString("error"))
                .as("another username")
                .isEqualTo("invalid_grant");
    }

    @Test
    void loginFormWhenTheUsernameIsOverItsLimitThenAThemedErrorPageWith429(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "passwords", "key": "username", "capacity": 1, "rate": "1/h", "endpoints": ["login"]}]}""");
        createUser("formuser", Oidc.randomSecret());

        Oidc.LoginPage first = oidc.openLoginPageIn(
                realm,
                Map.of(
                        "client_id",
                        "web",
                        "response_type",
                        "code",
                        "redirect_uri",
                        "http://127.0.0.1:8400/callback",
                        "scope",
                        "openid"));
        Response wrong = first.submit("formuser", "wrong");
        Oidc.LoginPage second = oidc.openLoginPageIn(
                realm,
                Map.of(
                        "client_id",
                        "web",
                        "response_type",
                        "code",
                        "redirect_uri",
                        "http://127.0.0.1:8400/callback",
                        "scope",
                        "openid"));
        Response refused = second.submit("formuser", "wrong-again");

        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.getContentType()).startsWith("text/html");
        assertThat(refused.asString()).contains("Too many requests, please retry later.");
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(only(refused.getHeader("RateLimit")).value()).isEqualTo("passwords");
    }

    @Test
    void otpFormWhenTheUserIsOverItsLimitThen429BeforeTheCodeIsChecked(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "passwords", "key": "username", "capacity": 2, "rate": "1/h", "endpoints": ["login"]}]}""");
        String password = Oidc.randomSecret();
        admin().contentType("application/json")
                .body(Map.of(
                        "username",
                        "otpuser",
                        "enabled",
                        true,
                        "email",
                        "otpuser@example.org",
                        "emailVerified",
                        true,
                        "firstName",
                        "Test",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(
                                Map.of("type", "password", "value", password, "temporary", false),
                                Map.of(
                                        "type",
                                        "otp",
                                        "userLabel",
                                        "phone",
                                        "secretData",
                                        "{\"value\":\"" + Oidc.randomSecret() + "\"}",
                                        "credentialData",
                                        "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,"
                                                + "\"algorithm\":\"HmacSHA1\"}"))))
                .post(adminRealm() + "/users")
                .then()
                .statusCode(201);
        Oidc.LoginPage login = oidc.openLoginPageIn(
                realm,
                Map.of(
                        "client_id",
                        "web",
                        "response_type",
                        "code",
                        "redirect_uri",
                        "http://127.0.0.1:8400/callback",
                        "scope",
                        "openid"));

        Response otpPage = login.submit("otpuser", password);
        Response wrongCode = postOtp(login, otpPage, "000000");
        Response refused = postOtp(login, wrongCode, "111111");

        assertThat(wrongCode.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode())
                .as("the third attempt of otpuser (password, code, code)")
                .isEqualTo(429);
        assertThat(refused.asString()).contains("Too many requests, please retry later.");
        assertThat(only(refused.getHeader("RateLimit")).value()).isEqualTo("passwords");
    }

    /** Posts {@code code} to the OTP form of {@code page}, in the browser of {@code login}. */
    private Response postOtp(Oidc.LoginPage login, Response page, String code) {
        org.jsoup.nodes.Element form = org.jsoup.Jsoup.parse(page.asString(), server.baseUrl())
                .selectFirst("form[action*=login-actions/authenticate]");
        assertThat(form).as("the OTP form: %s", page.asString()).isNotNull();
        assertThat(form.select("input[name=otp]")).as("an otp field").isNotEmpty();
        return oidc.request()
                .filter(Oidc.cookiesOf(login))
                .formParam("otp", code)
                .post(form.absUrl("action"));
    }

    @Test
    void shadowModeWhenOverTheLimitThenNeverRefusedButEveryWouldBeRefusalIsAnEvent(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1", "mode": "shadow",
                 "rules": [{"name": "clients", "key": "client", "capacity": 2, "rate": "1/h"}]}""");
        long since = System.currentTimeMillis() - 1000;

        for (int i = 0; i < 5; i++) {
            Response answer = clientCredentials("busy", SECRET_BUSY);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.getHeader("RateLimit"))
                    .as("shadow rules send no fields")
                    .isNull();
        }

        List<Map<String, Object>> events = admin().queryParam("type", "CLIENT_LOGIN_ERROR")
                .queryParam("client", "busy")
                .get(adminRealm() + "/events")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(Events.matching(
                        events,
                        Events.error("rate_limited_shadow"),
                        Events.since(since),
                        Events.detail("apiguard_rule", "clients"),
                        Events.detail("apiguard_key_kind", "client"),
                        Events.detail("apiguard_key", "busy"),
                        Events.detail("apiguard_mode", "shadow")))
                .hasSize(3);
        assertThat(events.toString()).doesNotContain(SECRET_BUSY);
    }

    @Test
    void metricsWhenARequestIsRefusedThenTheCounterOfItsRealmAndRuleIsOnTheMetricsEndpoint(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "clients", "key": "client", "capacity": 1, "rate": "1/h", "endpoints": ["token"]}]}""");
        assertThat(clientCredentials("busy", SECRET_BUSY).statusCode()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            assertThat(clientCredentials("busy", SECRET_BUSY).statusCode()).isEqualTo(429);
        }

        String metrics = oidc.request()
                .get("https://localhost:" + server.managementPort() + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        assertThat(metrics.lines()
                        .filter(line -> line.startsWith("apiguard_rate_limit_events_total{")
                                && line.contains("realm=\"" + realm + "\"")
                                && line.contains("rule=\"clients\"")
                                && line.contains("outcome=\"rate_limited\""))
                        .toList())
                .singleElement()
                .satisfies(line -> assertThat(line).endsWith(" 2.0"));
    }

    @Test
    void everyLimitedEndpointWhenARuleAppliesThenItsAnswerCarriesTheFieldsWhateverItsStatus(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "realm", "key": "realm", "capacity": 1000, "rate": "100/s"}]}""");
        String base = server.realmUrl(realm);
        Map<String, Response> answers = new java.util.LinkedHashMap<>();

        answers.put(
                "authorize",
                oidc.request()
                        .queryParam("client_id", "web")
                        .queryParam("response_type", "code")
                        .queryParam("redirect_uri", "http://127.0.0.1:8400/callback")
                        .queryParam("scope", "openid")
                        .get(base + "/protocol/openid-connect/auth"));
        answers.put("login", oidc.request().formParam("username", "x").post(base + "/login-actions/authenticate"));
        answers.put("token", clientCredentials("busy", SECRET_BUSY));
        answers.put(
                "par",
                busy().formParam("response_type", "code")
                        .formParam("redirect_uri", "http://127.0.0.1:8400/callback")
                        .post(base + "/protocol/openid-connect/ext/par/request"));
        answers.put(
                "introspect", busy().formParam("token", "x").post(base + "/protocol/openid-connect/token/introspect"));
        answers.put("revoke", busy().formParam("token", "x").post(base + "/protocol/openid-connect/revoke"));
        answers.put("userinfo", oidc.request().get(base + "/protocol/openid-connect/userinfo"));
        answers.put("device", busy().post(base + "/protocol/openid-connect/auth/device"));
        answers.put(
                "registration",
                oidc.request()
                        .contentType("application/json")
                        .body("{}")
                        .post(base + "/clients-registrations/openid-connect"));

        answers.forEach((endpoint, answer) -> {
            assertThat(answer.getHeader("RateLimit-Policy"))
                    .as("%s answered %d", endpoint, answer.statusCode())
                    .isNotNull();
            assertThat(only(answer.getHeader("RateLimit-Policy")).integer("q")).isEqualTo(1000);
            assertThat(only(answer.getHeader("RateLimit")).integer("r")).isBetween(900L, 999L);
        });
        assertThat(oidc.request().get(base + "/protocol/openid-connect/certs").getHeader("RateLimit-Policy"))
                .as("the JWKS is not a limited endpoint")
                .isNull();
    }

    private RequestSpecification busy() {
        return oidc.request().formParam("client_id", "busy").formParam("client_secret", SECRET_BUSY);
    }

    @Test
    void allowListWhenTheSourceAddressIsListedThenNoLimitApplies(ApiGuardServer server) {
        start(server);
        save("""
                {"apiVersion": "apiguard/v1", "allowList": ["127.0.0.0/8", "::1"],
                 "rules": [{"name": "clients", "key": "client", "capacity": 1, "rate": "1/h"}]}""");

        for (int i = 0; i < 4; i++) {
            Response answer = clientCredentials("busy", SECRET_BUSY);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.getHeader("RateLimit-Policy")).isNull();
        }
    }

    @Test
    void putWhenTheDocumentIsInvalidThen400NamingEveryProblemAndThePreviousStaysInForce(ApiGuardServer server) {
        start(server);
        String version = save("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "clients", "key": "client", "capacity": 1, "rate": "1/h", "endpoints": ["token"]}]}""");
        admin().contentType("application/json")
                .body(Map.of("clientId", "tiered", "attributes", Map.of("apiguard.rateLimitTier", "gold")))
                .post(adminRealm() + "/clients")
                .then()
                .statusCode(201);

        Response refused =
                admin().contentType("application/json").body("""
                        {"apiVersion": "apiguard/v1", "tiers": {"silver": {"capacity": 1, "rate": "1/s"}},
                         "defaultTier": "silver", "colour": "red",
                         "rules": [{"name": "clients", "key": "client", "tiered": true, "rate": "fast"}]}""").put(adminRealm() + "/apiguard/v1/rate-limits");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("invalid_rate_limit_document");
        assertThat(refused.jsonPath().getList("problems", String.class))
                .containsExactly(
                        "colour: unknown field (allowed: allowList, apiVersion, defaultTier, maxKeysPerRule, mode, rules, "
                                + "tierRules, tiers)",
                        "rules[0]: a tiered rule takes its capacity and rate from the client's tier; remove them");
        Response unknownTier =
                admin().contentType("application/json").body("""
                        {"apiVersion": "apiguard/v1", "tiers": {"silver": {"capacity": 1, "rate": "1/s"}},
                         "defaultTier": "silver", "rules": [{"name": "clients", "key": "client", "tiered": true}]}""").put(adminRealm() + "/apiguard/v1/rate-limits");
        assertThat(unknownTier.statusCode()).isEqualTo(400);
        assertThat(unknownTier.jsonPath().getList("problems", String.class))
                .containsExactly("client 'tiered': attribute apiguard.rateLimitTier names tier 'gold', which is not "
                        + "defined in tiers (defined: silver)");
        Response current = admin().get(adminRealm() + "/apiguard/v1/rate-limits");
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.getHeader("ETag")).contains(version);
        assertThat(clientCredentials("busy", SECRET_BUSY).statusCode()).isEqualTo(200);
        assertThat(clientCredentials("busy", SECRET_BUSY).statusCode())
                .as("the previous document is enforced")
                .isEqualTo(429);
        Response valid = admin().contentType("application/json")
                .body("{\"apiVersion\": \"apiguard/v1\", \"rules\": [{\"name\": \"r\", \"key\": \"realm\", "
                        + "\"capacity\": 9, \"rate\": \"9/s\"}]}")
                .post(adminRealm() + "/apiguard/v1/rate-limits/validate");
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.jsonPath().getBoolean("valid")).isTrue();
    }

    @Test
    void adminEndpointWhenNoTokenThen401AndWhenOnlyViewRealmThenReadButNotWrite(ApiGuardServer server) {
        start(server);
        String document = """
                {"apiVersion": "apiguard/v1", "rules": [{"name": "r", "key": "realm", "capacity": 9, "rate": "9/s"}]}""";
        save(document);
        String password = Oidc.randomSecret();
        String viewerId = createUser("viewer", password);
        Map<String, Object> viewRealm = admin().get(adminRealm() + "/clients?clientId=realm-management")
                .jsonPath()
                .getMap("[0]");
        Map<String, Object> role = admin().get(adminRealm() + "/clients/" + viewRealm.get("id") + "/roles/view-realm")
                .jsonPath()
                .getMap("$");
        admin().contentType("application/json")
                .body(List.of(role))
                .post(adminRealm() + "/users/" + viewerId + "/role-mappings/clients/" + viewRealm.get("id"))
                .then()
                .statusCode(204);
        String viewerToken = oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", "viewer")
                .formParam("password", password)
                .post(oidc.tokenEndpoint(realm))
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        String url = adminRealm() + "/apiguard/v1/rate-limits";

        assertThat(oidc.request().get(url).statusCode()).isEqualTo(401);
        assertThat(oidc.request().auth().oauth2(viewerToken).get(url).statusCode())
                .isEqualTo(200);
        Response forbidden = oidc.request()
                .auth()
                .oauth2(viewerToken)
                .contentType("application/json")
                .body(document)
                .put(url);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.jsonPath().getString("error")).isEqualTo("forbidden");
        assertThat(forbidden.jsonPath().getList("problems", String.class)).containsExactly("requires manage-realm");
    }

    @Test
    void realmWithoutADocumentWhenTokensAreRequestedThenNoFieldsAndNoLimit(ApiGuardServer server) {
        start(server);

        for (int i = 0; i < 3; i++) {
            Response answer = clientCredentials("busy", SECRET_BUSY);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.getHeader("RateLimit-Policy")).isNull();
            assertThat(answer.getHeader("RateLimit")).isNull();
        }
    }

    @Test
    void demoRealmWhenDemoServiceBurstsAFewHundredRequestsThenSomeAre429WhileOrdersApiIsServed(ApiGuardServer server)
            throws Exception {
        oidc = new Oidc(server);
        this.server = server;
        String secret = server.credential("APIGUARD_DEMO_SERVICE_SECRET");
        List<Integer> statuses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                answers.add(pool.submit(() -> oidc.clientCredentials(Oidc.SERVICE_CLIENT, secret, null)
                        .statusCode()));
            }
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Response ordersApi = oidc.introspectAsOrdersApi("not-a-token");

        assertThat(statuses).containsOnly(200, 429).contains(429);
        assertThat(ordersApi.statusCode()).as("another client of the realm").isEqualTo(200);
        assertThat(StructuredFields.parseList(ordersApi.getHeader("RateLimit-Policy")))
                .as("orders-api's partner tier, and the realm ceiling")
                .extracting(item -> item.value() + " q=" + item.integer("q"))
                .containsExactly("clients q=200", "realm q=5000");
        // Leave demo-service's bucket full for the next test of the shared server (10 at 1/s).
        Thread.sleep(10_500);
    }

    // ------------------------------------------------------------------------------------------

    private void start(ApiGuardServer server) {
        this.server = server;
        this.oidc = new Oidc(server);
        this.realm = "it-rl-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json")
                .body(Map.of(
                        "realm",
                        realm,
                        "enabled",
                        true,
                        "bruteForceProtected",
                        true,
                        "failureFactor",
                        30,
                        // Keycloak's quick-login check would lock the user after two fast failures by itself.
                        "quickLoginCheckMilliSeconds",
                        1,
                        "eventsEnabled",
                        true,
                        "enabledEventTypes",
                        List.of("CLIENT_LOGIN_ERROR", "LOGIN_ERROR"),
                        "clients",
                        List.of(
                                client("busy", SECRET_BUSY),
                                client("other", SECRET_OTHER),
                                Map.of(
                                        "clientId",
                                        "web",
                                        "publicClient",
                                        true,
                                        "standardFlowEnabled",
                                        true,
                                        "redirectUris",
                                        List.of("http://127.0.0.1:8400/callback")),
                                Map.of(
                                        "clientId", "ropc",
                                        "publicClient", true,
                                        "standardFlowEnabled", false,
                                        "directAccessGrantsEnabled", true))))
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
    }

    private static Map<String, Object> client(String clientId, String secret) {
        return Map.of(
                "clientId", clientId,
                "publicClient", false,
                "secret", secret,
                "serviceAccountsEnabled", true,
                "standardFlowEnabled", false,
                "directAccessGrantsEnabled", false);
    }

    /** Saves a document through the admin API (200) and returns its version. */
    private String save(String document) {
        Response saved =
                admin().contentType("application/json").body(document).put(adminRealm() + "/apiguard/v1/rate-limits");
        assertThat(saved.statusCode()).as("PUT: %s", saved.asString()).isEqualTo(200);
        return saved.jsonPath().getString("version");
    }

    private String createUser(String username, String password) {
        admin().contentType("application/json")
                .body(Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        username + "@example.org",
                        "emailVerified",
                        true,
                        "firstName",
                        "Test",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post(adminRealm() + "/users")
                .then()
                .statusCode(201);
        return admin().queryParam("username", username)
                .queryParam("exact", true)
                .get(adminRealm() + "/users")
                .jsonPath()
                .getString("[0].id");
    }

    /** Waits up to 10 s until the brute-force detector has recorded {@code expected} failures. */
    private void awaitBruteForceFailures(String userId, int expected) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (bruteForceFailures(userId) < expected && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(bruteForceFailures(userId)).isEqualTo(expected);
    }

    private int bruteForceFailures(String userId) {
        return admin().get(adminRealm() + "/attack-detection/brute-force/users/" + userId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getInt("numFailures");
    }

    private Response clientCredentials(String clientId, String secret) {
        return oidc.request()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .post(oidc.tokenEndpoint(realm));
    }

    private Response passwordGrant(String username, String password) {
        return oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "ropc")
                .formParam("username", username)
                .formParam("password", password)
                .post(oidc.tokenEndpoint(realm));
    }

    private RequestSpecification admin() {
        return oidc.asAdmin();
    }

    private String adminRealm() {
        return server.baseUrl() + "/admin/realms/" + realm;
    }

    private static StructuredFields.Item only(String field) {
        assertThat(field).as("field").isNotNull();
        List<StructuredFields.Item> items = StructuredFields.parseList(field);
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
