package dev.apiguard.demo.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app's own rules, without an authorization server (the issuer and the API point at a closed port): what it
 * refuses before any token is involved. The sign-in and the step-up run against the real server in
 * {@code DemoAppBrowserIT}.
 */
class DemoAppTest {

    private DemoApp app;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        app = DemoApp.start(
                new DemoApp.Settings(0, "https://127.0.0.1:9/realms/none", URI.create("https://127.0.0.1:9"), null));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create(app.url()).resolve(path));
    }

    @Test
    void pageWhenServedThenStrictContentSecurityPolicyAndNoStore() throws Exception {
        HttpResponse<String> page = send(to("/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/app.js\" defer></script>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(app.url()).startsWith("http://127.0.0.1:");
    }

    @Test
    void createWhenNoOriginOrAnotherOriginThen403BeforeAnythingElse() throws Exception {
        HttpResponse<String> noOrigin = send(to("/bff/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"x\",\"quantity\":1}")));
        HttpResponse<String> otherOrigin = send(to("/bff/orders")
                .header("Origin", "https://attacker.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> crossSite = send(to("/logout")
                .header("Origin", app.url().substring(0, app.url().length() - 1))
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(noOrigin.statusCode()).isEqualTo(403);
        assertThat(noOrigin.body()).contains("\"error\":\"invalid_request\"");
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        assertThat(crossSite.statusCode()).isEqualTo(403);
    }

    @Test
    void ordersWhenNotSignedInThen401LoginRequired() throws Exception {
        HttpResponse<String> orders = send(to("/bff/orders"));

        assertThat(orders.statusCode()).isEqualTo(401);
        assertThat(orders.body().replace("\\/", "/")).contains("\"error\":\"login_required\"", "\"login\":\"/login\"");
    }

    @Test
    void deleteWhenIdIsNotANumberThen404AndNothingForwarded() throws Exception {
        String origin = app.url().substring(0, app.url().length() - 1);
        HttpResponse<String> traversal =
                send(to("/bff/orders/..%2F..%2Fadmin").header("Origin", origin).DELETE());

        assertThat(traversal.statusCode()).isEqualTo(404);
    }

    @Test
    void callbackWhenNoAuthorizationRequestWasStartedThenBackToTheAppWithInvalidState() throws Exception {
        HttpResponse<String> callback =
                send(to("/callback?code=abc&state=forged&iss=https%3A%2F%2F127.0.0.1%3A9%2Frealms%2Fnone")
                        .header("Cookie", DemoApp.COOKIE + "=unknown"));

        assertThat(callback.statusCode()).isEqualTo(303);
        assertThat(callback.headers().firstValue("Location")).hasValue("/?error=invalid_state");
    }

    @Test
    void loginWhenTheAuthorizationServerIsDownThen502NeverAStackTrace() throws Exception {
        HttpResponse<String> login = send(to("/login"));

        assertThat(login.statusCode()).isEqualTo(502);
        assertThat(login.body())
                .contains("\"error\":\"temporarily_unavailable\"", "cannot reach the authorization server")
                .doesNotContain("Exception");
    }

    @Test
    void logoutWhenGetThen405() throws Exception {
        assertThat(send(to("/logout")).statusCode()).isEqualTo(405);
    }

    @Test
    void pkceChallengeWhenRfc7636AppendixBVerifierThenItsChallenge() {
        assertThat(DemoApp.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
