package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Browser;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import dev.apiguard.keycloak.it.support.Totp;
import java.net.URI;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Step-up in a real headless Chromium: OTP enrolment for a user without a second factor, the OTP
 * prompt with API Guard's reason on a password SSO session, and a wrong code. Screenshots of the
 * pages go to integration-tests/target/screenshots.
 */
@ExtendWith(SharedServerExtension.class)
class StepUpBrowserIT {

    @Test
    void browserWhenAUserStepsUpForOrdersAdminThenEnrolsThenIsPromptedOnSsoAndAWrongCodeIsRefused(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String user = "it-browser-"
                + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
        String password = oidc.createUser(user, "api-user", "api-admin");

        try (Browser browser = Browser.start()) {
            // 1. No second factor yet: asking for orders:admin leads through OTP enrolment.
            Pkce enrolPkce = Pkce.create();
            browser.open(authorizationUrl(oidc, "openid orders:admin", enrolPkce));
            signIn(browser, user, password);
            browser.find(By.id("kc-totp-settings-form"));
            browser.screenshot("step-up-enrolment");
            String secret = browser.find(By.id("totpSecret")).getAttribute("value");
            browser.find(By.id("totp")).sendKeys(Totp.code(secret, 0));
            browser.find(By.id("userLabel")).sendKeys("phone");
            browser.find(By.id("kc-totp-settings-form")).submit();
            JWTClaimsSet enrolled = redeem(oidc, browser.awaitRedirectTo(Oidc.SPA_REDIRECT_URI), enrolPkce);
            assertThat(enrolled.getStringClaim("scope").split(" ")).contains("orders:admin");
            assertThat(enrolled.getStringClaim("acr")).isEqualTo("mfa");

            // 2. A new session with the password only: orders:read, never orders:admin.
            browser.clearCookies();
            Pkce readPkce = Pkce.create();
            browser.open(authorizationUrl(oidc, "openid orders:read", readPkce));
            signIn(browser, user, password);
            JWTClaimsSet read = redeem(oidc, browser.awaitRedirectTo(Oidc.SPA_REDIRECT_URI), readPkce);
            assertThat(read.getStringClaim("scope").split(" "))
                    .contains("orders:read")
                    .doesNotContain("orders:admin");
            assertThat(read.getStringClaim("acr")).isEqualTo("password");

            // 3. orders:admin on that SSO session: the OTP prompt, saying why; a wrong code is refused.
            Pkce adminPkce = Pkce.create();
            browser.open(authorizationUrl(oidc, "openid orders:admin", adminPkce));
            browser.find(By.id("kc-otp-login-form"));
            assertThat(browser.isPresent(By.id("password")))
                    .as("no password prompt on the SSO session")
                    .isFalse();
            assertThat(browser.find(By.id("apiguard-step-up-reason")).getText()).contains("administrative access");
            browser.screenshot("step-up-otp");
            browser.find(By.id("otp")).sendKeys(wrongCode(secret));
            browser.find(By.id("kc-login")).click();
            assertThat(browser.find(By.id("input-error-otp")).getText()).isEqualTo("Invalid authenticator code.");
            assertThat(browser.currentUrl()).startsWith(server.baseUrl());
            browser.screenshot("step-up-otp-wrong-code");
            browser.find(By.id("otp")).clear();
            browser.find(By.id("otp")).sendKeys(Totp.code(secret, 1));
            browser.find(By.id("kc-login")).click();
            JWTClaimsSet admin = redeem(oidc, browser.awaitRedirectTo(Oidc.SPA_REDIRECT_URI), adminPkce);
            assertThat(admin.getStringClaim("scope").split(" ")).contains("orders:admin");
            assertThat(admin.getStringClaim("acr")).isEqualTo("mfa");
        }
    }

    private static void signIn(Browser browser, String user, String password) {
        browser.find(By.id("username")).sendKeys(user);
        browser.find(By.id("password")).sendKeys(password);
        browser.find(By.id("kc-login")).click();
    }

    private static String authorizationUrl(Oidc oidc, String scope, Pkce pkce) {
        Map<String, String> parameters = Oidc.codeRequest(scope, pkce.challenge());
        String query = parameters.entrySet().stream()
                .map(e -> e.getKey() + "="
                        + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return oidc.authorizationEndpoint() + "?" + query;
    }

    private static JWTClaimsSet redeem(Oidc oidc, String callback, Pkce pkce) throws Exception {
        String code = Oidc.queryOf(URI.create(callback).toString()).get("code");
        assertThat(code).as("code in %s", callback).isNotBlank();
        String token = oidc.redeem(code, pkce.verifier())
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static String wrongCode(String secret) {
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!code.equals(Totp.code(secret, -1))
                    && !code.equals(Totp.code(secret, 0))
                    && !code.equals(Totp.code(secret, 1))) {
                return code;
            }
        }
    }
}
