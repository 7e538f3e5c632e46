package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Events;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.Oidc.SecondFactor;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MFA step-up for the administrative scope orders:admin, at the authorization endpoint (also on an
 * existing SSO session) and at the token endpoint (code, refresh, client credentials), driven
 * through Keycloak's login pages over HTTP. StepUpBrowserIT drives the same pages in Chromium.
 */
@ExtendWith(SharedServerExtension.class)
class StepUpIT {

    @Test
    void passwordLoginWhenOrdinaryScopesThenNoSecondFactorAndNoAdminScope(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("plain");
        String password = oidc.createUser(user, "api-user");

        Response response = oidc.loginAndRedeem(user, password, "openid orders:read")
                .then()
                .statusCode(200)
                .extract()
                .response();

        JWTClaimsSet access = claims(response);
        assertThat(access.getStringClaim("scope").split(" "))
                .contains("orders:read")
                .doesNotContain("orders:admin");
        assertThat(access.getStringClaim("acr")).isEqualTo("password");
    }

    @Test
    void adminScopeWhenTheUserHasNoSecondFactorThenEnrolmentFirstAndThenTheScopeWithAcrMfa(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("enrol");
        String password = oidc.createUser(user, "api-user", "api-admin");
        SecondFactor otp = new SecondFactor();
        Pkce pkce = Pkce.create();

        Response afterLogin = oidc.loginWithSecondFactor(
                oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), pkce), user, password, otp);

        assertThat(otp.isEnrolled())
                .as("the user was led through OTP enrolment")
                .isTrue();
        Response tokens = redeem(oidc, afterLogin, pkce);
        JWTClaimsSet access = claims(tokens);
        assertThat(access.getStringClaim("scope").split(" ")).contains("orders:admin");
        assertThat(access.getStringClaim("acr")).isEqualTo("mfa");
        assertThat(access.getClaim("auth_time")).isNotNull();
        assertThat(tokens.jsonPath().getString("scope").split(" ")).contains("orders:admin");
    }

    @Test
    void adminScopeWhenAskedOnAPasswordSsoSessionThenTheOtpPromptSaysWhyAndTheScopeFollowsTheCode(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("sso");
        String password = oidc.createUser(user, "api-user", "api-admin");
        SecondFactor otp = enrolled(oidc, user, password);
        Oidc.LoginPage first = oidc.openLoginPage(Oidc.codeRequest("openid orders:read", null), Pkce.create());
        first.submit(user, password).then().statusCode(302);
        CookieFilter sso = Oidc.cookiesOf(first);

        Pkce pkce = Pkce.create();
        Oidc.LoginPage stepUp = oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), pkce, sso);

        assertThat(stepUp.response().statusCode()).isEqualTo(200);
        Document page = stepUp.html();
        assertThat(page.selectFirst("form#kc-otp-login-form"))
                .as("OTP prompt, not the password form")
                .isNotNull();
        assertThat(page.selectFirst("form#kc-form-login")).isNull();
        assertThat(page.select("#apiguard-step-up-reason").text()).contains("administrative access");
        Response tokens = redeem(oidc, oidc.loginWithSecondFactor(stepUp, user, password, otp), pkce);
        assertThat(claims(tokens).getStringClaim("scope").split(" ")).contains("orders:admin");
        assertThat(claims(tokens).getStringClaim("acr")).isEqualTo("mfa");
    }

    @Test
    void adminScopeWhenTheSecondFactorIsWrongThenNoCodeAndALoginErrorEvent(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String user = user("wrong-otp");
        String password = oidc.createUser(user, "api-user", "api-admin");
        SecondFactor otp = enrolled(oidc, user, password);
        Oidc.LoginPage login = oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), Pkce.create());
        Response prompt = login.submit(user, password);
        assertThat(Jsoup.parse(prompt.asString()).selectFirst("form#kc-otp-login-form"))
                .isNotNull();

        Response wrong = oidc.request()
                .filter(Oidc.cookiesOf(login))
                .formParam("otp", otp.wrongCode())
                .post(Jsoup.parse(prompt.asString(), server.baseUrl())
                        .selectFirst("form#kc-otp-login-form")
                        .absUrl("action"));

        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(wrong.getHeader("Location")).isNull();
        assertThat(Jsoup.parse(wrong.asString()).select("#input-error-otp").text())
                .isEqualTo("Invalid authenticator code.");
        List<Map<String, Object>> events = Events.of(oidc, "LOGIN_ERROR", "demo-spa");
        assertThat(Events.matching(events, Events.error("invalid_user_credentials"), Events.user(oidc.userId(user))))
                .isNotEmpty();
        assertThat(events.toString()).doesNotContain(otp.wrongCode());
    }

    @Test
    void adminScopeWhenTheRequestNamesALowerAcrThenTheTokenEndpointWithholdsTheScope(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("low-acr");
        String password = oidc.createUser(user, "api-user", "api-admin");
        Pkce pkce = Pkce.create();
        Map<String, String> request = Oidc.codeRequest("openid orders:read orders:admin", null);
        request.put("acr_values", "password");
        Oidc.LoginPage login = oidc.openLoginPage(request, pkce);

        Response tokens = redeem(oidc, login.submit(user, password), pkce);

        JWTClaimsSet access = claims(tokens);
        assertThat(access.getStringClaim("acr")).isEqualTo("password");
        assertThat(access.getStringClaim("scope").split(" "))
                .contains("orders:read")
                .doesNotContain("orders:admin");
        assertThat(tokens.jsonPath().getString("scope").split(" ")).doesNotContain("orders:admin");
    }

    @Test
    void refreshWhenTheSecondFactorIsOlderThanTheMaxAgeThenTheAdminScopeIsDropped(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("refresh");
        String password = oidc.createUser(user, "api-user", "api-admin");
        Pkce pkce = Pkce.create();
        Response tokens = redeem(
                oidc,
                oidc.loginWithSecondFactor(
                        oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), pkce),
                        user,
                        password,
                        new SecondFactor()),
                pkce);
        assertThat(claims(tokens).getStringClaim("scope").split(" ")).contains("orders:admin");

        // A max age below zero: the second factor is already too old, as it is after any wait longer than the max age.
        try (AdminMaxAge expired = AdminMaxAge.set(oidc, -1)) {
            Response refreshed = oidc.request()
                    .formParam("grant_type", "refresh_token")
                    .formParam("client_id", "demo-spa")
                    .formParam("refresh_token", tokens.jsonPath().getString("refresh_token"))
                    .post(oidc.tokenEndpoint(DEMO_REALM));

            assertThat(refreshed.statusCode()).isEqualTo(200);
            assertThat(claims(refreshed).getStringClaim("scope").split(" ")).doesNotContain("orders:admin");
            assertThat(refreshed.jsonPath().getString("scope").split(" ")).doesNotContain("orders:admin");
            assertThat(Events.matching(
                            Events.of(oidc, "REFRESH_TOKEN_ERROR", "demo-spa"),
                            Events.error("step_up_required"),
                            Events.user(oidc.userId(user)),
                            Events.detail("scope", "orders:admin")))
                    .hasSize(1);
        }
    }

    @Test
    void adminScopeWhenTheSessionsSecondFactorIsOlderThanTheMaxAgeThenItIsAskedAgain(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = user("again");
        String password = oidc.createUser(user, "api-user", "api-admin");
        SecondFactor otp = new SecondFactor();
        Oidc.LoginPage first = oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), Pkce.create());
        oidc.loginWithSecondFactor(first, user, password, otp).then().statusCode(302);

        // Max age 0 (Keycloak: this level must be reached in this very login): the SSO session's second factor no
        // longer counts.
        try (AdminMaxAge expired = AdminMaxAge.set(oidc, 0)) {
            // Ages count in whole seconds: within the second of the first login its factor is still
            // 0 s old, so ask again (bounded) until the clock has moved on.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Oidc.LoginPage again;
            do {
                again = oidc.openLoginPage(
                        Oidc.codeRequest("openid orders:admin", null), Pkce.create(), Oidc.cookiesOf(first));
                if (again.response().statusCode() == 200) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            } while (System.nanoTime() < deadline);

            assertThat(again.response().statusCode()).isEqualTo(200);
            assertThat(again.html().selectFirst("form#kc-otp-login-form"))
                    .as("OTP asked again")
                    .isNotNull();
        }
    }

    @Test
    void clientCredentialsWhenAServiceAccountAsksForTheAdminScopeThenTheTokenHasNone(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String clientId = "it-admin-service";
        if (!oidc.clientExists(clientId)) {
            oidc.createServiceClient(clientId);
            oidc.asAdmin()
                    .put(oidc.clientUrl(clientId) + "/optional-client-scopes/" + oidc.clientScopeId("orders:admin"))
                    .then()
                    .statusCode(204);
        }
        // The service account holds api-admin, so the ABAC demo policy permits orders:admin: what withholds it is
        // step-up.
        String serviceAccount = oidc.asAdmin()
                .get(oidc.clientUrl(clientId) + "/service-account-user")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        Map<String, Object> apiAdmin = oidc.asAdmin()
                .get(oidc.adminUrl("/roles/api-admin"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        oidc.asAdmin()
                .contentType("application/json")
                .body(List.of(apiAdmin))
                .post(oidc.adminUrl("/users/" + serviceAccount + "/role-mappings/realm"))
                .then()
                .statusCode(204);
        String secret = oidc.clientSecret(clientId);

        Response response = oidc.clientCredentials(clientId, secret, "orders:admin");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(claims(response).getStringClaim("scope")).doesNotContain("orders:admin");
        assertThat(response.jsonPath().getString("scope")).doesNotContain("orders:admin");
        assertThat(Events.matching(
                        Events.of(oidc, "CLIENT_LOGIN_ERROR", clientId),
                        Events.error("step_up_required"),
                        Events.user(serviceAccount),
                        Events.detail("scope", "orders:admin")))
                .isNotEmpty();
    }

    @Test
    void tokenExchangeWhenTheSubjectSessionHasNoSecondFactorThenOrdersAdminIsRefused(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String secret = TokenProfileIT.TokenExchange.ensureExchanger(oidc);
        String user = user("exchange");
        String password = oidc.createUser(user, "api-user", "api-admin");
        String subjectToken = oidc.loginAndRedeem(
                        user, password, "openid " + TokenProfileIT.TokenExchange.AUDIENCE_SCOPE)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Response response = TokenProfileIT.TokenExchange.exchange(oidc, secret, subjectToken, "orders:admin");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error")).isEqualTo("invalid_scope");
        assertThat(response.jsonPath().getString("access_token")).isNull();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String user(String purpose) {
        return "it-stepup-" + purpose + "-"
                + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
    }

    /** Enrols the user's second factor through one admin-scope login and returns it. */
    static SecondFactor enrolled(Oidc oidc, String user, String password) {
        SecondFactor otp = new SecondFactor();
        Pkce pkce = Pkce.create();
        oidc.loginWithSecondFactor(
                        oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), pkce), user, password, otp)
                .then()
                .statusCode(302);
        assertThat(otp.isEnrolled()).isTrue();
        return otp;
    }

    private static Response redeem(Oidc oidc, Response redirect, Pkce pkce) {
        assertThat(redirect.statusCode())
                .as(
                        "redirect with a code; page was: %s",
                        redirect.asString().length() > 300
                                ? redirect.asString().substring(0, 300)
                                : redirect.asString())
                .isEqualTo(302);
        String code = Oidc.queryOf(redirect.getHeader("Location")).get("code");
        return oidc.redeem(code, pkce.verifier())
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    private static JWTClaimsSet claims(Response response) throws java.text.ParseException {
        return SignedJWT.parse(response.jsonPath().getString("access_token")).getJWTClaimsSet();
    }

    /**
     * Shortens, for one test, the max age of orders:admin and of the flow's level 2 to the same
     * few seconds, as an operator would configure them together; restores 300 s after.
     */
    static final class AdminMaxAge implements AutoCloseable {

        private final Oidc oidc;

        private AdminMaxAge(Oidc oidc) {
            this.oidc = oidc;
        }

        static AdminMaxAge set(Oidc oidc, int seconds) {
            AdminMaxAge change = new AdminMaxAge(oidc);
            change.apply(seconds);
            return change;
        }

        private void apply(int seconds) {
            String scopeUrl = oidc.adminUrl("/client-scopes/" + oidc.clientScopeId("orders:admin"));
            Map<String, Object> scope = oidc.asAdmin()
                    .get(scopeUrl)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getMap("$");
            @SuppressWarnings("unchecked")
            Map<String, Object> attributes = new java.util.HashMap<>((Map<String, Object>) scope.get("attributes"));
            attributes.put("apiguard.admin.max-age", String.valueOf(seconds));
            Map<String, Object> changed = new java.util.HashMap<>(scope);
            changed.put("attributes", attributes);
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(changed)
                    .put(scopeUrl)
                    .then()
                    .statusCode(204);

            List<Map<String, Object>> executions = oidc.asAdmin()
                    .get(oidc.adminUrl("/authentication/flows/apiguard-browser/executions"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("$");
            for (Map<String, Object> execution : executions) {
                if ("conditional-level-of-authentication".equals(execution.get("providerId"))
                        && execution.get("authenticationConfig") != null) {
                    String configUrl = oidc.adminUrl("/authentication/config/" + execution.get("authenticationConfig"));
                    Map<String, Object> config = oidc.asAdmin()
                            .get(configUrl)
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getMap("$");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = new java.util.HashMap<>((Map<String, Object>) config.get("config"));
                    if ("2".equals(values.get("loa-condition-level"))) {
                        values.put("loa-max-age", String.valueOf(Math.max(seconds, 0)));
                        Map<String, Object> changedConfig = new java.util.HashMap<>(config);
                        changedConfig.put("config", values);
                        oidc.asAdmin()
                                .contentType("application/json")
                                .body(changedConfig)
                                .put(configUrl)
                                .then()
                                .statusCode(204);
                    }
                }
            }
        }

        @Override
        public void close() {
            apply(300);
        }
    }
}
