package dev.apiguard.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} with its {@code chromium-driver}, which
 * {@code .ci/run} installs), driven through Selenium without any download. It trusts the test
 * server's self-signed certificate by accepting insecure certificates: test use only.
 */
public final class Browser implements AutoCloseable {

    private final WebDriver driver;
    private final Path screenshots;

    private Browser(WebDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    public static Browser start() {
        Path chromium = executable("APIGUARD_CHROMIUM", "chromium", "chromium-browser", "google-chrome")
                .orElseThrow(
                        () -> new IllegalStateException(
                                "No Chromium found: install Debian's chromium and chromium-driver (.ci/run does) or set APIGUARD_CHROMIUM"));
        Path chromedriver = executable("APIGUARD_CHROMEDRIVER", "chromedriver")
                .orElseThrow(
                        () -> new IllegalStateException(
                                "No chromedriver found: install Debian's chromium-driver (.ci/run does) or set APIGUARD_CHROMEDRIVER"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.setAcceptInsecureCerts(true);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .build();
        Path screenshots = Path.of(ApiGuardServer.requiredProperty("apiguard.it.screenshots.dir"));
        return new Browser(new ChromeDriver(service, options), screenshots);
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    public WebElement find(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElement(by));
    }

    public boolean isPresent(By by) {
        return !driver.findElements(by).isEmpty();
    }

    /** Waits until the browser has left the server, i.e. was redirected to the client's redirect URI. */
    public String awaitRedirectTo(String prefix) {
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> d.getCurrentUrl().startsWith(prefix));
        return driver.getCurrentUrl();
    }

    /** Saves a screenshot as a test artifact and returns where. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save screenshot " + name, e);
        }
    }

    /** Ends the browser's sessions: clears the cookies of every site (WebDriver's own call clears only the current one). */
    public void clearCookies() {
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static Optional<Path> executable(String variable, String... names) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        String path = System.getenv("PATH") == null ? "" : System.getenv("PATH");
        for (String name : names) {
            for (String dir : List.of(path.split(java.io.File.pathSeparator))) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
