package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Browser;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The banner's first suggestion, in a real headless Chromium: sign in to the demo realm's account
 * console as alice and see her profile. It failed ("Something went wrong", the account API
 * answering 401) while the realm file left Keycloak's own clients without default client scopes
 * (their tokens carried no {@code sub}) and its users without the realm's default roles (no
 * {@code manage-account}, so no {@code account} audience).
 */
@ExtendWith(SharedServerExtension.class)
class AccountConsoleBrowserIT {

    @Test
    void accountConsoleWhenAliceSignsInThenShowsHerPersonalInfo(ApiGuardServer server) {
        try (Browser browser = Browser.start()) {
            browser.open(server.realmUrl(DEMO_REALM) + "/account/");
            browser.find(By.id("username")).sendKeys("alice");
            browser.find(By.id("password")).sendKeys(server.credential("APIGUARD_DEMO_PASSWORD"));
            browser.find(By.id("kc-login")).click();

            // The personal-info page fills its form from GET /account/?userProfileMetadata=true.
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                    .until(driver -> !driver.findElements(By.id("email")).isEmpty()
                                    && "alice@example.org"
                                            .equals(driver.findElement(By.id("email"))
                                                    .getAttribute("value"))
                            || driver.getPageSource().contains("Something went wrong"));
            browser.screenshot("account-console-alice");

            assertThat(browser.driver().getPageSource().contains("Something went wrong"))
                    .as("the account console shows its error dialog (screenshot account-console-alice.png)")
                    .isFalse();
            assertThat(browser.find(By.id("email")).getAttribute("value")).isEqualTo("alice@example.org");
            assertThat(browser.find(By.id("firstName")).getAttribute("value")).isEqualTo("Alice");
            assertThat(browser.find(By.id("lastName")).getAttribute("value")).isEqualTo("Sales");
            assertThat(browser.currentUrl()).startsWith(server.realmUrl(DEMO_REALM) + "/account");
        }
    }
}
