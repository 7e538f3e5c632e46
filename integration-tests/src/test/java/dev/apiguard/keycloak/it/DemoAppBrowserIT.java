package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Browser;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.Oidc.SecondFactor;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo browser app that {@code ./apiguard dev} serves (client demo-spa, a backend-for-frontend on
 * {@code http://127.0.0.1:<APIGUARD_APP_PORT>}), driven in a real headless Chromium against the demo orders API and
 * the shipped realm: alice signs in and creates an order; ann is refused creation (403 insufficient_scope, shown in
 * the app); an administrator's delete gets the API's RFC 9470 challenge, which takes the browser to a new
 * authorization request, the OTP prompt, and back to a 204. Screenshots go to integration-tests/target/screenshots.
 */
@ExtendWith(SharedServerExtension.class)
class DemoAppBrowserIT {

    private static final Pattern CREATED = Pattern.compile("Order (\\d+) created");

    @Test
    void appWhenAliceCreatesAnnCreatesAndAnAdminDeletesThen201Then403ThenStepUpWithOtpThen204(ApiGuardServer server) {
        String app = "http://127.0.0.1:" + server.appPort() + "/";
        String demoPassword = server.credential("APIGUARD_DEMO_PASSWORD");
        Oidc oidc = new Oidc(server);
        // An administrator with a second factor enrolled beforehand (as the user would have done once).
        String admin =
                "app-admin-" + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
        String adminPassword = oidc.createUser(admin, "api-user", "api-admin");
        SecondFactor otp = new SecondFactor();
        oidc.loginWithSecondFactor(
                oidc.openLoginPage(Oidc.codeRequest("openid orders:admin", null), Pkce.create()),
                admin,
                adminPassword,
                otp);
        assertThat(otp.isEnrolled()).isTrue();
        assertThat(server.output()).contains("Demo browser app     " + app);

        try (Browser browser = Browser.start()) {
            browser.driver().manage().window().setSize(new Dimension(960, 640));

            // 1. alice (sales, verified e-mail): lists and creates.
            signIn(browser, app, "alice", demoPassword);
            awaitText(browser, "user", "Signed in as alice");
            assertThat(browser.find(By.id("user")).getText()).contains("orders:write");
            awaitRows(browser);
            browser.find(By.id("item")).clear();
            browser.find(By.id("item")).sendKeys("Docking station");
            browser.find(By.id("quantity")).clear();
            browser.find(By.id("quantity")).sendKeys("3");
            browser.find(By.id("create")).click();
            String created = awaitText(browser, "message", "created");
            Matcher id = CREATED.matcher(created);
            assertThat(id.find()).as("message %s", created).isTrue();
            String orderId = id.group(1);
            browser.find(By.cssSelector("tr[data-id='" + orderId + "']"));
            assertThat(browser.find(By.id("message")).getAttribute("class")).isEqualTo("ok");
            browser.screenshot("demo-app-orders");
            signOut(browser, app);

            // 2. ann (engineering): ABAC withholds orders:write; the API answers 403 and the app says so.
            signIn(browser, app, "ann", demoPassword);
            awaitText(browser, "user", "Signed in as ann");
            assertThat(browser.find(By.id("user")).getText()).doesNotContain("orders:write");
            awaitRows(browser);
            browser.find(By.id("item")).clear();
            browser.find(By.id("item")).sendKeys("Refused order");
            browser.find(By.id("create")).click();
            String refused = awaitText(browser, "message", "403");
            assertThat(refused).contains("403 insufficient_scope", "orders:write");
            assertThat(browser.find(By.id("message")).getAttribute("class")).isEqualTo("error");
            browser.screenshot("demo-app-insufficient-scope");
            assertThat(browser.find(By.id("orders")).getText()).doesNotContain("Refused order");
            signOut(browser, app);

            // 3. An administrator signed in with the password only deletes alice's order: the API's challenge
            //    (acr_values=mfa, max_age=300) leads to a new authorization request, the OTP prompt, and a 204.
            signIn(browser, app, admin, adminPassword);
            awaitText(browser, "user", "acr password");
            browser.find(By.cssSelector("button.delete[data-id='" + orderId + "']"))
                    .click();
            browser.find(By.id("kc-otp-login-form"));
            assertThat(browser.currentUrl())
                    .startsWith(server.realmUrl(Oidc.DEMO_REALM))
                    .doesNotContain("password");
            assertThat(browser.isPresent(By.id("password")))
                    .as("no password prompt: the SSO session is recent enough for max_age=300")
                    .isFalse();
            browser.screenshot("demo-app-step-up-otp");
            browser.find(By.id("otp")).sendKeys(otp.nextCode());
            browser.find(By.id("kc-login")).click();
            browser.awaitRedirectTo(app);
            String deleted = awaitText(browser, "message", "deleted");
            assertThat(deleted).isEqualTo("Order " + orderId + " deleted after the step-up.");
            assertThat(browser.find(By.id("user")).getText()).contains("acr mfa", "orders:admin");
            assertThat(browser.isPresent(By.cssSelector("tr[data-id='" + orderId + "']")))
                    .isFalse();
            browser.screenshot("demo-app-deleted-after-step-up");
        }
    }

    private static void signIn(Browser browser, String app, String user, String password) {
        browser.open(app);
        wait(browser).until(ExpectedConditions.elementToBeClickable(By.id("sign-in")));
        browser.find(By.id("sign-in")).click();
        browser.find(By.id("username")).sendKeys(user);
        browser.find(By.id("password")).sendKeys(password);
        browser.find(By.id("kc-login")).click();
        browser.awaitRedirectTo(app);
    }

    private static void signOut(Browser browser, String app) {
        browser.find(By.id("sign-out")).click();
        // Keycloak's end-session endpoint (id_token_hint) ends the SSO session and sends the browser back.
        wait(browser)
                .until(d -> d.getCurrentUrl().startsWith(app)
                        && d.findElement(By.id("sign-in")).isDisplayed());
        assertThat(browser.find(By.id("user")).getText()).isEqualTo("Not signed in");
    }

    private static void awaitRows(Browser browser) {
        wait(browser).until(d -> !d.findElements(By.cssSelector("#orders tr")).isEmpty());
    }

    private static String awaitText(Browser browser, String id, String part) {
        wait(browser).until(d -> d.findElement(By.id(id)).getText().contains(part));
        return browser.find(By.id(id)).getText();
    }

    private static WebDriverWait wait(Browser browser) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
    }
}
