package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.AuditLines.group;
import static dev.apiguard.keycloak.it.support.AuditLines.jti;
import static dev.apiguard.keycloak.it.support.AuditLines.parse;
import static dev.apiguard.keycloak.it.support.AuditLines.tokenId;
import static dev.apiguard.keycloak.it.support.AuditLines.written;
import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Totp;
import dev.apiguard.keycloak.it.support.WebhookReceiver;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit stream on a server of its own (it is killed with SIGKILL in one test): the demo realm
 * lists the {@code apiguard-audit} listener; sinks file and webhook (a JDK HTTP server on loopback
 * that checks the HMAC signature of every body).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditStreamIT {

    private static final Path RUN_COMMAND_KEYCLOAK =
            Path.of(System.getProperty("apiguard.it.keycloak.home.run-command"));
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private WebhookReceiver receiver;
    private ApiGuardServer server;
    private Oidc oidc;

    @BeforeAll
    void start() throws IOException {
        receiver = new WebhookReceiver();
        receiver.up();
        String prefix = "KC_SPI_EVENTS_LISTENER__APIGUARD_AUDIT__";
        server = ApiGuardServer.settings("audit")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .freshData()
                .env("APIGUARD_AUDIT_SINKS", "file,webhook")
                .env(prefix + "WEBHOOK_URL", receiver.url())
                .env(prefix + "WEBHOOK_SECRET", receiver.secret())
                .env(prefix + "WEBHOOK_TIMEOUT_SECONDS", "2")
                .env(prefix + "POLL_INTERVAL_MS", "200")
                .env(prefix + "GAP_TIMEOUT_SECONDS", "3")
                .env(prefix + "CHECKPOINT_EVERY", "100")
                .env("KC_METRICS_ENABLED", "true")
                .start();
        oidc = new Oidc(server);
        // This server is the test's own. Its bursts (over 1,000 demo-service grants) measure delivery, not the demo
        // realm's rate limits, which would refuse them (RateLimitIT covers those): the realm drops its document here.
        oidc.asAdmin().delete(oidc.adminUrl("/apiguard/v1/rate-limits")).then().statusCode(204);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.down();
        }
    }

    @Test
    @Order(1)
    void recordsWhenLoginsGrantDenyAndAdminChangeThenEachOnceWithEcsFieldsAndNoSecret() throws Exception {
        String canary = "CANARY" + Oidc.randomSecret();
        String user =
                "it-audit-" + Oidc.randomSecret().substring(0, 6).toLowerCase().replaceAll("[^a-z0-9]", "x");
        String password = oidc.createUser(user, "api-user");
        String userId = oidc.userId(user);
        oidc.setUserAttribute(userId, "department", "engineering");

        // A failed login (the wrong password is a canary), a successful one with a code redeemed,
        // an ABAC deny (orders:write is for sales), a client-credentials grant, and an admin change
        // that sets a client secret (a canary).
        Oidc.LoginPage failed = oidc.openLoginPage("openid orders:read");
        assertThat(failed.submit(user, canary + "-password").statusCode()).isEqualTo(200);
        Response tokens = oidc.loginAndRedeem(user, password, "openid orders:read orders:write")
                .then()
                .statusCode(200)
                .extract()
                .response();
        String serviceToken = oidc.demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        String clientId = "it-audit-client-" + userId.substring(0, 8);
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "clientId", clientId,
                        "secret", canary + "-secret",
                        "publicClient", false,
                        "serviceAccountsEnabled", true,
                        "standardFlowEnabled", false))
                .post(oidc.adminUrl("/clients"))
                .then()
                .statusCode(201);

        // A step-up drop: a service account that holds api-admin (so ABAC permits orders:admin) asks for the
        // administrative scope; no second factor is possible there, so step-up withholds it.
        String adminService = "it-audit-admin-" + userId.substring(0, 8);
        oidc.createServiceClient(adminService);
        oidc.asAdmin()
                .put(oidc.clientUrl(adminService) + "/optional-client-scopes/" + oidc.clientScopeId("orders:admin"))
                .then()
                .statusCode(204);
        String serviceAccount = oidc.asAdmin()
                .get(oidc.clientUrl(adminService) + "/service-account-user")
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
        String withheld = oidc.clientCredentials(adminService, oidc.clientSecret(adminService), "orders:admin")
                .then()
                .statusCode(200)
                .extract()
                .path("scope");
        assertThat(withheld).doesNotContain("orders:admin");

        List<Map<String, Object>> mine =
                awaitRecords(records -> count(records, decision(serviceAccount, "step_up")) >= 1
                        && count(records, userEvent(userId, "login", "failure")) >= 1
                        && count(records, userEvent(userId, "login", "success")) >= 1
                        && count(records, userEvent(userId, "code-to-token", "success")) >= 1
                        && count(records, decision(userId, "abac_deny")) >= 1
                        && count(records, adminEvent("admin-client-create", clientId)) >= 1);

        Map<String, Object> failedLogin = only(mine, userEvent(userId, "login", "failure"));
        assertThat(group(failedLogin, "event"))
                .containsEntry("kind", "event")
                .containsEntry("category", List.of("authentication"))
                .containsEntry("type", List.of("start"));
        assertThat(group(failedLogin, "error")).containsEntry("code", "invalid_user_credentials");
        assertThat(group(failedLogin, "user")).containsEntry("name", user);
        assertThat(group(failedLogin, "source")).containsEntry("ip", "127.0.0.1");
        assertThat(group(failedLogin, "ocsf")).containsEntry("class_uid", 3002).containsEntry("status_id", 2);
        assertThat(failedLogin).containsEntry("schema", "apiguard/v1").containsKey("@timestamp");
        assertThat(group(failedLogin, "keycloak"))
                .containsEntry("realm", DEMO_REALM)
                .containsEntry("client_id", "demo-spa");

        only(mine, userEvent(userId, "login", "success"));
        only(mine, userEvent(userId, "code-to-token", "success"));
        Map<String, Object> deny = only(mine, decision(userId, "abac_deny"));
        assertThat(group(deny, "ocsf")).containsEntry("class_uid", 3003);
        assertThat(group(group(deny, "keycloak"), "details")).containsEntry("scope", "orders:write");

        Map<String, Object> stepUp = only(mine, decision(serviceAccount, "step_up"));
        assertThat(group(stepUp, "event")).containsEntry("outcome", "failure");
        assertThat(group(stepUp, "error")).containsEntry("code", "step_up_required");
        assertThat(group(stepUp, "keycloak")).containsEntry("client_id", adminService);
        assertThat(group(group(stepUp, "keycloak"), "details")).containsEntry("scope", "orders:admin");

        String jti = jti(serviceToken);
        Map<String, Object> grant = only(mine, tokenRecord(jti));
        assertThat(group(grant, "event"))
                .containsEntry("action", "client-login")
                .containsEntry("outcome", "success");
        assertThat(group(grant, "keycloak")).containsEntry("client_id", Oidc.SERVICE_CLIENT);

        Map<String, Object> admin = only(mine, adminEvent("admin-client-create", clientId));
        assertThat(group(admin, "event")).containsEntry("category", List.of("configuration", "iam"));
        assertThat(group(admin, "ocsf")).containsEntry("class_uid", 6003).containsEntry("activity_id", 1);
        assertThat(group(group(admin, "keycloak"), "representation")).containsEntry("clientId", clientId);

        // Delivered to the webhook too, once each, and nothing secret anywhere.
        awaitTrue(() -> receivedIds().containsAll(ids(mine)), "webhook has every record of this test");
        String everything = String.join("\n", fileLines())
                + String.join("\n", receiver.lines())
                + server.output()
                + Files.readString(server.dataDir().resolve("log/keycloak.log"));
        List<String> secrets = new ArrayList<>(List.of(
                canary,
                password,
                tokens.jsonPath().getString("access_token"),
                tokens.jsonPath().getString("refresh_token"),
                serviceToken,
                server.credential("APIGUARD_DEMO_SERVICE_SECRET")));
        for (String secret : secrets) {
            assertThat(everything).as("a secret in a record or log").doesNotContain(secret);
        }
        assertThat(receiver.badSignatures()).isZero();
    }

    @Test
    @Order(2)
    void adminEndpointWhenViewRealmThenRecentRecordsFilteredAndSinkStatusElse401Or403() {
        String url = oidc.adminUrl("/apiguard/v1/audit");
        oidc.request().get(url).then().statusCode(401);
        String nobody = "it-audit-nobody-"
                + Oidc.randomSecret().substring(0, 5).toLowerCase().replaceAll("[^a-z0-9]", "x");
        String nobodyPassword = oidc.createUser(nobody);
        String nobodyToken = oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", nobody)
                .formParam("password", nobodyPassword)
                .post(oidc.tokenEndpoint(DEMO_REALM))
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        oidc.request()
                .auth()
                .oauth2(nobodyToken)
                .get(url)
                .then()
                .statusCode(403)
                .body("error", org.hamcrest.Matchers.equalTo("forbidden"));
        oidc.asAdmin()
                .queryParam("max", "0")
                .get(url)
                .then()
                .statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("invalid_request"));

        Response answer = oidc.asAdmin()
                .queryParam("action", "client-login")
                .queryParam("outcome", "success")
                .queryParam("max", "5")
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(answer.jsonPath().getBoolean("enabled")).isTrue();
        List<Map<String, Object>> records = answer.jsonPath().getList("records");
        assertThat(records).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        assertThat(records).allSatisfy(r -> assertThat(group(r, "event")).containsEntry("action", "client-login"));
        List<Map<String, Object>> sinks = answer.jsonPath().getList("sinks");
        assertThat(sinks).extracting(s -> s.get("name")).containsExactlyInAnyOrder("file", "webhook");
    }

    @Test
    @Order(2)
    void metricsWhenRecordsWrittenThenCountersOnTheMetricsEndpointWithBoundedLabels() {
        String metrics = oidc.request()
                .get("https://localhost:" + server.managementPort() + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        assertThat(metrics)
                .containsPattern(
                        "apiguard_audit_records_total\\{decision=\"abac_deny\",ocsf_class=\"3003\",outcome=\"failure\"[^}]*\\} [1-9]")
                .containsPattern("apiguard_audit_delivered_total\\{sink=\"file\"[^}]*\\} [1-9]")
                .containsPattern("apiguard_audit_delivered_total\\{sink=\"webhook\"[^}]*\\} [1-9]");
        assertThat(metrics.lines().filter(line -> line.startsWith("apiguard_audit_records_total{")))
                .allSatisfy(line -> assertThat(line).doesNotContain("realm").doesNotContain("user"));
    }

    @Test
    @Order(3)
    void webhookWhenReceiverDownThenStatusFailingAndEverythingDeliveredOnceUp() throws Exception {
        receiver.down();
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            jtis.add(jti(oidc.demoServiceToken("orders:read")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("access_token")));
        }
        awaitTrue(
                () -> {
                    Map<String, Object> webhook = sink("webhook");
                    return "failing".equals(webhook.get("state"))
                            && ((Number) webhook.get("backlog")).longValue() >= 20
                            && webhook.get("last_error") != null;
                },
                "the webhook sink reports its failure and its backlog");
        assertThat(receivedTokenIds()).doesNotContainAnyElementsOf(jtis);

        receiver.up();

        awaitTrue(() -> receivedTokenIds().containsAll(jtis), "every record reaches the webhook once it is up");
        awaitTrue(() -> "ok".equals(sink("webhook").get("state")), "the webhook sink is ok again");
    }

    @Test
    @Order(4)
    void verifyWhenFileIntactThenZeroWhenEditedThenNamesTheLineWhenTailCutThenTruncated() throws Exception {
        Path copy = snapshot();
        ApiGuardServer.Exit intact = verify(copy);
        assertThat(intact.status()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("intact");

        List<String> lines = new ArrayList<>(Files.readAllLines(copy));
        int edited = lines.size() / 2;
        String original = lines.get(edited - 1);
        lines.set(
                edited - 1,
                original.replaceFirst("\"@timestamp\":\"[^\"]+\"", "\"@timestamp\":\"2000-01-01T00:00:00Z\""));
        assertThat(lines.get(edited - 1)).isNotEqualTo(original);
        Files.writeString(copy, String.join("\n", lines) + "\n");
        ApiGuardServer.Exit tampered = verify(copy);
        assertThat(tampered.status()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("line " + edited + ": record changed");

        Path cut = snapshot();
        List<String> all = Files.readAllLines(cut);
        Files.writeString(cut, String.join("\n", all.subList(0, all.size() - 3)) + "\n");
        ApiGuardServer.Exit truncated = verify(cut);
        assertThat(truncated.status()).as(truncated.output()).isEqualTo(1);
        assertThat(truncated.output()).contains("truncated");
    }

    @Test
    @Order(5)
    void killDuringABurstThenAfterRestartEveryRecordIsDeliveredToEverySink() throws Exception {
        ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                while (!killed.get() && sent.incrementAndGet() <= 3000) {
                    try {
                        Response response = oidc.demoServiceToken("orders:read");
                        if (response.statusCode() == 200) {
                            granted.add(jti(response.path("access_token")));
                        }
                    } catch (RuntimeException e) {
                        // The server is gone: the burst ends.
                    }
                }
                return null;
            });
        }
        awaitTrue(() -> granted.size() >= 1000, "1,000 grants before the kill");
        server.kill();
        killed.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Set<String> expected = new HashSet<>(granted);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(1000);

        server = server.settings().start();
        oidc = new Oidc(server);

        awaitTrue(() -> fileTokenIds().containsAll(expected), "every granted token's record in the file after restart");
        awaitTrue(
                () -> receivedTokenIds().containsAll(expected),
                "every granted token's record at the webhook after restart");
        // Duplicates (delivered before the kill, confirmed after it) carry the same event id.
        Map<String, Set<String>> idsPerToken = new HashMap<>();
        for (Map<String, Object> record : fileRecords()) {
            String tokenId = tokenId(record);
            if (tokenId != null && expected.contains(tokenId)) {
                idsPerToken.computeIfAbsent(tokenId, k -> new HashSet<>()).add((String)
                        group(record, "event").get("id"));
            }
        }
        assertThat(idsPerToken.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        Path copy = snapshot();
        ApiGuardServer.Exit verified = verify(copy);
        assertThat(verified.status()).as(verified.output()).isZero();
    }

    // ---- alerts ---------------------------------------------------------------------------

    private static final String ALERTS_REALM = "it-alerts";
    private final Map<String, String> alertUsers = new HashMap<>();
    private boolean alertsRealmReady;

    @Test
    @Order(2)
    void alertsWhenCredentialStuffingReplayedThenOneAlertRecordEverywhereAndNoneForBenignTraffic() {
        alertsRealm();
        // Benign: one user mistypes once then succeeds; five users log in from the same address.
        // (The token endpoint answers a wrong password with 400 invalid_grant, RFC 6749 section 5.2.)
        assertThat(passwordGrant("alice", "wrong-" + Oidc.randomSecret())).isEqualTo(400);
        assertThat(passwordGrant("alice", alertUsers.get("alice"))).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(passwordGrant("user" + i, alertUsers.get("user" + i))).isEqualTo(200);
        }
        // A client saved with a wildcard redirect: its alert marks the point up to which the detectors have read.
        Map<String, Object> redirect = awaitAlert("client-redirect", createWildcardClient("sentinel-1"));
        assertThat(group(redirect, "event"))
                .containsEntry("kind", "alert")
                .containsEntry("action", "alert-client-redirect")
                .containsEntry("severity", 73);
        assertThat(group(group(redirect, "apiguard"), "alert"))
                .containsEntry("severity", "high")
                .containsEntry("key_kind", "client")
                .containsEntry("wildcard_redirect_uris", List.of("*"));
        // Other alert tests share the realm from other addresses and users: only this test's keys are looked at.
        Set<String> keys = Set.of("127.0.0.1", "alice", "user0", "user1", "user2", "user3", "user4");
        assertThat(alertRecords()).as("no login alert for benign traffic").noneMatch(r -> {
            Object rule = group(r, "rule").get("name");
            return ("credential-stuffing".equals(rule)
                            || "user-failures".equals(rule)
                            || "password-spraying".equals(rule))
                    && keys.contains(alertKey(r));
        });

        // The attack: six users (one unknown) with wrong passwords, from one address.
        String canary = "CANARY" + Oidc.randomSecret();
        for (String user : List.of(
                "user0",
                "user1",
                "user2",
                "user3",
                "user4",
                "nobody-" + Oidc.randomSecret().substring(0, 6))) {
            assertThat(passwordGrant(user, canary)).isEqualTo(400);
        }
        awaitAlert("client-redirect", createWildcardClient("sentinel-2"));

        List<Map<String, Object>> stuffing = alertRecords().stream()
                .filter(r ->
                        "credential-stuffing".equals(group(r, "rule").get("name")) && "127.0.0.1".equals(alertKey(r)))
                .toList();
        assertThat(stuffing)
                .as("one alert per window, however long the attack goes on")
                .hasSize(1);
        Map<String, Object> alert = stuffing.get(0);
        assertThat(alert).containsEntry("schema", "apiguard/v1");
        assertThat(group(alert, "event"))
                .containsEntry("kind", "alert")
                .containsEntry("action", "alert-credential-stuffing")
                .containsEntry("category", List.of("intrusion_detection"));
        assertThat(group(alert, "source")).containsEntry("ip", "127.0.0.1");
        assertThat(group(group(alert, "apiguard"), "alert"))
                .containsEntry("detector", "credential-stuffing")
                .containsEntry("severity", "high")
                .containsEntry("key_kind", "address")
                .containsEntry("key", "127.0.0.1")
                .containsEntry("count", 4)
                .containsEntry("threshold", 4)
                .containsEntry("window_seconds", 300);
        assertThat(group(alert, "ocsf")).containsEntry("class_uid", 2004).containsEntry("severity_id", 4);
        String id = (String) group(alert, "event").get("id");
        awaitTrue(() -> receivedIds().contains(id), "the alert at the webhook");
        List<Map<String, Object>> listed = oidc.asAdmin()
                .queryParam("action", "alert-credential-stuffing")
                .get(server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/apiguard/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("records");
        assertThat(listed).extracting(r -> group(r, "event").get("id")).containsExactly(id);
        assertThat(String.join("\n", alertLines()) + String.join("\n", receiver.lines()))
                .doesNotContain(canary);
        String metrics = oidc.request()
                .get("https://localhost:" + server.managementPort() + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .containsPattern(
                        "apiguard_audit_alerts_total\\{detector=\"credential-stuffing\",severity=\"high\"[^}]*\\} 1\\.0");
    }

    @Test
    @Order(3)
    void alertsWhenAdminRoleGrantedThroughTheAdminApiThenAlertNamingTheGranteeAndRole() {
        alertsRealm();
        String base = server.baseUrl() + "/admin/realms/" + ALERTS_REALM;
        String userId = oidc.asAdmin()
                .queryParam("username", "user4")
                .queryParam("exact", true)
                .get(base + "/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        String managementId = oidc.asAdmin()
                .queryParam("clientId", "realm-management")
                .get(base + "/clients")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        Map<String, Object> role = oidc.asAdmin()
                .get(base + "/clients/" + managementId + "/roles/realm-admin")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        oidc.asAdmin()
                .contentType("application/json")
                .body(List.of(role))
                .post(base + "/users/" + userId + "/role-mappings/clients/" + managementId)
                .then()
                .statusCode(204);

        Map<String, Object> alert = awaitAlert("admin-role-grant", userId);

        assertThat(group(group(alert, "apiguard"), "alert"))
                .containsEntry("severity", "high")
                .containsEntry("key_kind", "user")
                .containsEntry("roles", List.of("realm-admin"))
                .containsEntry("grantee_id", userId);
        assertThat(alertRecords().stream()
                        .filter(r -> "admin-role-grant".equals(group(r, "rule").get("name")))
                        .toList())
                .hasSize(1);
    }

    @Test
    @Order(3)
    void alertDocumentWhenInvalidThen400NamingEveryProblemAndNothingStored() {
        alertsRealm();
        String url = server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/apiguard/v1/audit-alerts";
        String before = oidc.asAdmin().get(url).then().statusCode(200).extract().asString();
        Response refused = oidc.asAdmin()
                .contentType("application/json")
                .body("{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"credential-stuffing\":{\"threshold\":0},"
                        + "\"nope\":{}}}")
                .put(url)
                .then()
                .statusCode(400)
                .extract()
                .response();

        assertThat(refused.jsonPath().getString("error")).isEqualTo("invalid_alert_document");
        assertThat(refused.jsonPath().getList("problems", String.class))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("detectors.credential-stuffing.threshold"))
                .anySatisfy(p -> assertThat(p).startsWith("detectors.nope: unknown detector"));
        assertThat(oidc.asAdmin().get(url).then().statusCode(200).extract().asString())
                .isEqualTo(before);
        oidc.request().get(url).then().statusCode(401);
    }

    // ---- the other six detectors: silent on benign traffic, one alert on the replayed attack -------------------

    private static final Map<String, Integer> ECS_SEVERITY =
            Map.of("low", 21, "medium", 47, "high", 73, "critical", 99);
    private final AtomicInteger sentinels = new AtomicInteger();

    @Test
    @Order(3)
    void alertsWhenPasswordSprayReplayedFromOneAddressThenOneSprayingAlertAndNoneForAFewTyposBehindOneAddress() {
        alertsRealm();
        String office = "127.0.0.23";
        String sprayer = "127.0.0.21";
        // Benign: three users behind one address each mistype once, then log in.
        for (String user : List.of("erin", "frank", "grace")) {
            assertThat(passwordGrantFrom(office, "cli", user, "typo-" + Oidc.randomSecret()))
                    .isEqualTo(400);
            assertThat(passwordGrantFrom(office, "cli", user, alertUsers.get(user)))
                    .isEqualTo(200);
        }
        sentinel();
        assertThat(alertsRealmRecords().stream()
                        .filter(r -> office.equals(group(r, "source").get("ip"))
                                && "invalid_user_credentials"
                                        .equals(group(r, "error").get("code"))))
                .as("the benign failures, recorded from their own address")
                .hasSize(3);
        assertThat(alertsOf("password-spraying", office)).isEmpty();
        assertThat(alertsOf("credential-stuffing", office)).isEmpty();

        // The attack: one password tried once against twelve user names (six unknown) from one address.
        String guess = "Winter" + Oidc.randomSecret();
        List<String> targets = new ArrayList<>(List.of("alice", "user0", "user1", "user2", "user3", "user4"));
        for (int i = 0; i < 6; i++) {
            targets.add("spray" + i + "-" + Oidc.randomSecret().substring(0, 6).toLowerCase());
        }
        for (String user : targets) {
            assertThat(passwordGrantFrom(sprayer, "cli", user, guess)).isEqualTo(400);
        }
        sentinel();

        Map<String, Object> alert = onlyAlert("password-spraying", sprayer, "medium", "address", 10, 10, 600);
        assertThat(group(alert, "source")).containsEntry("ip", sprayer);
        assertThat(group(group(alert, "apiguard"), "alert")).containsEntry("max_attempts_per_user", 2);
        assertNoSecret(guess);
    }

    @Test
    @Order(3)
    void alertsWhenOneUsersPasswordGuessedRepeatedlyThenOneUserFailuresAlertAndNoneBelowTheThreshold() {
        alertsRealm();
        String address = "127.0.0.22";
        String guess = "guess-" + Oidc.randomSecret();
        // Benign: carol mistypes four times (the threshold is 5), then logs in.
        for (int i = 0; i < 4; i++) {
            assertThat(passwordGrantFrom(address, "cli", "carol", guess + i)).isEqualTo(400);
        }
        assertThat(passwordGrantFrom(address, "cli", "carol", alertUsers.get("carol")))
                .isEqualTo(200);
        sentinel();
        assertThat(alertsOf("user-failures", "carol")).isEmpty();

        // The attack: seven guesses at dave's password.
        for (int i = 0; i < 7; i++) {
            assertThat(passwordGrantFrom(address, "cli", "dave", guess + i)).isEqualTo(400);
        }
        sentinel();

        String daveId = alertsUserId("dave");
        Map<String, Object> alert = onlyAlert("user-failures", "dave", "medium", "user", 5, 5, 900);
        assertThat(group(group(alert, "apiguard"), "alert"))
                .containsEntry("user_id", daveId)
                .containsEntry("user_name", "dave");
        assertThat(group(alert, "user")).containsEntry("id", daveId).containsEntry("name", "dave");
        assertThat(alertsOf("credential-stuffing", address)).isEmpty();
        assertNoSecret(guess, alertUsers.get("carol"));
    }

    @Test
    @Order(3)
    void alertsWhenForgedRefreshTokensReplayedAtOneClientThenOneTokenErrorsAlertAndNoneBelowTheThreshold() {
        alertsRealm();
        String forged = "forged-" + Oidc.randomSecret();
        // Benign: nine failed refreshes of one client (the threshold is 10).
        for (int i = 0; i < 9; i++) {
            assertThat(refreshGrant("tokerr-ok", forged + "-ok" + i).statusCode())
                    .isEqualTo(400);
        }
        sentinel();
        assertThat(alertsRealmRecords().stream()
                        .filter(r -> "REFRESH_TOKEN_ERROR"
                                        .equals(group(r, "keycloak").get("type"))
                                && "tokerr-ok".equals(group(r, "keycloak").get("client_id"))))
                .as("the benign token-endpoint errors, recorded")
                .hasSize(9);
        assertThat(alertsOf("token-errors", "tokerr-ok")).isEmpty();

        // The attack: twelve forged refresh tokens at another client.
        for (int i = 0; i < 12; i++) {
            assertThat(refreshGrant("tokerr-attack", forged + "-attack" + i).statusCode())
                    .isEqualTo(400);
        }
        sentinel();

        Map<String, Object> alert = onlyAlert("token-errors", "tokerr-attack", "medium", "client", 10, 10, 600);
        assertThat(group(alert, "keycloak")).containsEntry("client_id", "tokerr-attack");
        assertNoSecret(forged);
    }

    @Test
    @Order(3)
    void alertsWhenARotatedRefreshTokenReplayedThenOneReuseAlertPerUserAndWindowAndNoneForTokensUsedOnce() {
        alertsRealm();
        List<String> secrets = new ArrayList<>();
        // Benign: each refresh token used once, as rotation asks.
        Response login = passwordGrantResponse("reuse-cli", "reuse-ok");
        String token = login.path("refresh_token");
        secrets.add(token);
        secrets.add(login.path("access_token"));
        for (int i = 0; i < 2; i++) {
            Response refreshed = refreshGrant("reuse-cli", token);
            assertThat(refreshed.statusCode()).as(refreshed.asString()).isEqualTo(200);
            token = refreshed.path("refresh_token");
            secrets.add(token);
        }
        sentinel();
        String okId = alertsUserId("reuse-ok");
        assertThat(alertsOf("refresh-token-reuse", okId)).isEmpty();

        // The attack, twice within the window: a stolen refresh token replayed after its user refreshed.
        String victimId = alertsUserId("reuse-victim");
        for (int round = 0; round < 2; round++) {
            Response victim = passwordGrantResponse("reuse-cli", "reuse-victim");
            String stolen = victim.path("refresh_token");
            Response rotated = refreshGrant("reuse-cli", stolen);
            assertThat(rotated.statusCode()).isEqualTo(200);
            String current = rotated.path("refresh_token");
            secrets.addAll(List.of(stolen, current, victim.path("access_token"), rotated.path("access_token")));

            Response replay = refreshGrant("reuse-cli", stolen);
            assertThat(replay.statusCode()).isEqualTo(400);
            assertThat(replay.jsonPath().getString("error")).isEqualTo("invalid_grant");
            assertThat(refreshGrant("reuse-cli", current).statusCode())
                    .as("the session is revoked")
                    .isEqualTo(400);
        }
        sentinel();

        assertThat(alertsRealmRecords().stream().filter(decision(victimId, "refresh_token_reuse")))
                .as("two reuse decisions")
                .hasSize(2);
        Map<String, Object> alert = onlyAlert("refresh-token-reuse", victimId, "high", "user", 1, 1, 600);
        assertThat(group(alert, "user")).containsEntry("id", victimId);
        assertThat(group(alert, "keycloak")).containsEntry("client_id", "reuse-cli");
        secrets.add(alertUsers.get("reuse-victim"));
        assertNoSecret(secrets.toArray(String[]::new));
    }

    @Test
    @Order(3)
    void alertsWhenAnOtpRemovedByAnAdministratorOrItsUserThenOneAlertEachAndNoneWhenOtpAddedOrPasswordRemoved() {
        alertsRealm();
        String base = server.baseUrl() + "/admin/realms/" + ALERTS_REALM;
        // Benign: a user created with an OTP credential, the credential relabelled, the user's password deleted
        // (a password is not a second factor).
        String newSecret = Oidc.randomSecret();
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "username",
                        "sf-new",
                        "enabled",
                        true,
                        "credentials",
                        List.of(
                                Map.of("type", "password", "value", Oidc.randomSecret(), "temporary", false),
                                otpCredential(newSecret))))
                .post(base + "/users")
                .then()
                .statusCode(201);
        String newId = alertsUserId("sf-new");
        oidc.asAdmin()
                .contentType("text/plain")
                .body("work phone")
                .put(base + "/users/" + newId + "/credentials/" + credentialId(newId, "otp") + "/userLabel")
                .then()
                .statusCode(204);
        String passwordId = credentialId(newId, "password");
        oidc.asAdmin()
                .delete(base + "/users/" + newId + "/credentials/" + passwordId)
                .then()
                .statusCode(204);
        sentinel();
        assertThat(alertsRealmRecords().stream()
                        .filter(r -> ("users/" + newId + "/credentials/" + passwordId)
                                .equals(group(r, "keycloak").get("resource_path"))))
                .as("the password's deletion, recorded")
                .hasSize(1);
        assertThat(alertsOf("second-factor-removed", newId)).isEmpty();

        // The attacks: an administrator deletes a user's OTP; a user's own (stolen) token deletes its OTP through
        // the account API.
        String victimId = alertsUserId("sf-admin-victim");
        oidc.asAdmin()
                .delete(base + "/users/" + victimId + "/credentials/" + credentialId(victimId, "otp"))
                .then()
                .statusCode(204);
        String selfId = alertsUserId("sf-self");
        String selfOtp = credentialId(selfId, "otp");
        Response selfLogin = oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "cli")
                .formParam("username", "sf-self")
                .formParam("password", alertUsers.get("sf-self"))
                .formParam("otp", Totp.code(alertUsers.get("sf-self:otp"), 0))
                .post(oidc.tokenEndpoint(ALERTS_REALM));
        assertThat(selfLogin.statusCode()).as(selfLogin.asString()).isEqualTo(200);
        String selfToken = selfLogin.path("access_token");
        Response removed = oidc.request()
                .auth()
                .oauth2(selfToken)
                .accept("application/json") // the account REST API (without it: the account console's page)
                .delete(server.realmUrl(ALERTS_REALM) + "/account/credentials/" + selfOtp);
        assertThat(removed.statusCode()).as(removed.asString()).isEqualTo(204);
        sentinel();

        Map<String, Object> byAdmin = onlyAlert("second-factor-removed", victimId, "medium", "user", 1, 1, 0);
        assertThat(group(group(byAdmin, "apiguard"), "alert"))
                .containsEntry("by", "administrator")
                .containsEntry("credential_type", "otp");
        Map<String, Object> bySelf = onlyAlert("second-factor-removed", selfId, "medium", "user", 1, 1, 0);
        assertThat(group(group(bySelf, "apiguard"), "alert"))
                .containsEntry("by", "user")
                .containsEntry("credential_type", "otp");
        assertThat(group(bySelf, "user")).containsEntry("id", selfId);
        assertNoSecret(
                newSecret,
                alertUsers.get("sf-admin-victim:otp"),
                alertUsers.get("sf-self:otp"),
                alertUsers.get("sf-self"),
                selfToken);
    }

    @Test
    @Order(3)
    void alertsWhenAClientKeepsGettingRefusedByTheRateLimiterThenOneSpikeAlertAndNoneUnderTheLimitOrInShadow() {
        alertsRealm();
        // Benign: rl-ok stays within its three requests; rl-user's six password grants go over the shadow rule
        // (reported, never refused).
        for (int i = 0; i < 3; i++) {
            assertThat(passwordGrantResponse("rl-ok", "rl-user").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(passwordGrantResponse("cli", "rl-user").statusCode()).isEqualTo(200);
        }
        sentinel();
        assertThat(alertsRealmRecords().stream()
                        .filter(r ->
                                "rate_limited_shadow".equals(group(r, "error").get("code"))
                                        && "it-users-shadow"
                                                .equals(group(group(r, "keycloak"), "details")
                                                        .get("apiguard_rule"))))
                .as("the shadow rule's reports, recorded")
                .isNotEmpty();
        assertThat(alertRecords())
                .noneMatch(r -> "rate-limit-spike".equals(group(r, "rule").get("name")));

        // The attack: rl-attack goes on after its three requests and is refused eight times.
        for (int i = 0; i < 3; i++) {
            assertThat(passwordGrantResponse("rl-attack", "rl-user2").statusCode())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 8; i++) {
            assertThat(passwordGrant("rl-attack", "rl-user2", alertUsers.get("rl-user2")))
                    .isEqualTo(429);
        }
        sentinel();

        Map<String, Object> alert = onlyAlert("rate-limit-spike", "it-clients", "medium", "rule", 5, 5, 600);
        assertThat(group(alert, "keycloak")).containsEntry("client_id", "rl-attack");
        assertThat(alertRecords().stream()
                        .filter(r -> "rate-limit-spike".equals(group(r, "rule").get("name"))))
                .hasSize(1);
        assertNoSecret(alertUsers.get("rl-user"), alertUsers.get("rl-user2"));
    }

    /** A client saved with a wildcard redirect, and its alert awaited: every record before it has been read by the detectors. */
    private void sentinel() {
        awaitAlert("client-redirect", createWildcardClient("sentinel-d" + sentinels.incrementAndGet()));
    }

    private List<Map<String, Object>> alertsOf(String detector, String key) {
        return alertRecords().stream()
                .filter(r -> detector.equals(group(r, "rule").get("name")) && key.equals(alertKey(r)))
                .toList();
    }

    private static Object alertKey(Map<String, Object> record) {
        return group(group(record, "apiguard"), "alert").get("key");
    }

    /** The one alert of {@code detector} on {@code key}, its ECS, OCSF and detector fields, and its copy at the webhook. */
    private Map<String, Object> onlyAlert(
            String detector, String key, String severity, String keyKind, int count, int threshold, int window) {
        List<Map<String, Object>> found = alertsOf(detector, key);
        assertThat(found).as("alerts of %s on %s", detector, key).hasSize(1);
        Map<String, Object> alert = found.get(0);
        assertThat(alert).containsEntry("schema", "apiguard/v1");
        assertThat(group(alert, "event"))
                .containsEntry("kind", "alert")
                .containsEntry("action", "alert-" + detector)
                .containsEntry("category", List.of("intrusion_detection"))
                .containsEntry("severity", ECS_SEVERITY.get(severity));
        assertThat(group(alert, "rule")).containsEntry("name", detector);
        assertThat(group(group(alert, "apiguard"), "alert"))
                .containsEntry("detector", detector)
                .containsEntry("severity", severity)
                .containsEntry("key_kind", keyKind)
                .containsEntry("key", key)
                .containsEntry("count", count)
                .containsEntry("threshold", threshold)
                .containsEntry("window_seconds", window)
                .containsKey("trigger_event_id");
        assertThat(group(alert, "ocsf")).containsEntry("class_uid", 2004);
        assertThat(group(alert, "keycloak"))
                .containsEntry("realm", ALERTS_REALM)
                .containsEntry("type", "APIGUARD_ALERT");
        String id = (String) group(alert, "event").get("id");
        awaitTrue(() -> receivedIds().contains(id), "the " + detector + " alert at the webhook");
        return alert;
    }

    /** None of {@code secrets} in the alerts realm's records (alerts included) nor in any webhook body. */
    private void assertNoSecret(String... secrets) {
        String everything = String.join("\n", alertLines()) + "\n" + String.join("\n", receiver.lines());
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            assertThat(everything).as("a secret in a record or webhook body").doesNotContain(secret);
        }
    }

    private List<Map<String, Object>> alertsRealmRecords() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : alertLines()) {
            Map<String, Object> record = parse(line);
            if (!record.containsKey("checkpoint")) {
                records.add(record);
            }
        }
        return records;
    }

    private String alertsUserId(String username) {
        return oidc.asAdmin()
                .queryParam("username", username)
                .queryParam("exact", true)
                .get(server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
    }

    private String credentialId(String userId, String type) {
        List<Map<String, Object>> credentials = oidc.asAdmin()
                .get(server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/users/" + userId + "/credentials")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return credentials.stream()
                .filter(c -> type.equals(c.get("type")))
                .map(c -> (String) c.get("id"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " credential of user " + userId));
    }

    /** A request sent from {@code address} (a loopback address other than 127.0.0.1: a client of its own to the server). */
    private RequestSpecification from(String address) {
        InetAddress local;
        try {
            local = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        return RestAssured.given()
                .config(RestAssuredConfig.config()
                        .sslConfig(SSLConfig.sslConfig().trustStore(server.trustStore()))
                        .redirect(RedirectConfig.redirectConfig().followRedirects(false))
                        .httpClient(HttpClientConfig.httpClientConfig().setParam("http.route.local-address", local)));
    }

    private int passwordGrantFrom(String address, String client, String username, String password) {
        return from(address)
                .formParam("grant_type", "password")
                .formParam("client_id", client)
                .formParam("username", username)
                .formParam("password", password)
                .post(oidc.tokenEndpoint(ALERTS_REALM))
                .statusCode();
    }

    private int passwordGrant(String client, String username, String password) {
        return oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", client)
                .formParam("username", username)
                .formParam("password", password)
                .post(oidc.tokenEndpoint(ALERTS_REALM))
                .statusCode();
    }

    private Response passwordGrantResponse(String client, String username) {
        Response response = oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", client)
                .formParam("username", username)
                .formParam("password", alertUsers.get(username))
                .post(oidc.tokenEndpoint(ALERTS_REALM));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response;
    }

    private Response refreshGrant(String client, String refreshToken) {
        return oidc.request()
                .formParam("grant_type", "refresh_token")
                .formParam("client_id", client)
                .formParam("refresh_token", refreshToken)
                .post(oidc.tokenEndpoint(ALERTS_REALM));
    }

    /**
     * A realm of its own for the alert tests (its records go to their own file): users (some with an
     * OTP credential), password-grant clients, rotated refresh tokens with reuse detection, low
     * thresholds, and a rate-limit document that refuses only clients of the tier {@code tiny}.
     */
    private synchronized void alertsRealm() {
        if (alertsRealmReady) {
            return;
        }
        List<Map<String, Object>> users = new ArrayList<>();
        for (String name : List.of(
                "alice",
                "user0",
                "user1",
                "user2",
                "user3",
                "user4",
                "carol",
                "dave",
                "erin",
                "frank",
                "grace",
                "reuse-ok",
                "reuse-victim",
                "rl-user",
                "rl-user2")) {
            users.add(alertUser(name, false));
        }
        users.add(alertUser("sf-admin-victim", true));
        users.add(alertUser("sf-self", true));
        List<Map<String, Object>> clients = new ArrayList<>();
        for (String clientId : List.of("cli", "tokerr-ok", "tokerr-attack", "reuse-cli", "rl-ok", "rl-attack")) {
            Map<String, Object> client = new HashMap<>(Map.of(
                    "clientId", clientId,
                    "publicClient", true,
                    "directAccessGrantsEnabled", true,
                    "standardFlowEnabled", false));
            if (clientId.startsWith("rl-")) {
                client.put("attributes", Map.of("apiguard.rateLimitTier", "tiny"));
            }
            clients.add(client);
        }
        Map<String, Object> realm = new HashMap<>();
        realm.put("realm", ALERTS_REALM);
        realm.put("enabled", true);
        realm.put("eventsListeners", List.of("apiguard-audit"));
        realm.put("adminEventsEnabled", true);
        realm.put("adminEventsDetailsEnabled", true);
        // Refresh tokens rotate; a reused one revokes the session and is reported (apiguard-refresh-token-reuse).
        realm.put("revokeRefreshToken", true);
        realm.put("refreshTokenMaxReuse", 0);
        realm.put(
                "clientProfiles",
                Map.of(
                        "profiles",
                        List.of(Map.of(
                                "name",
                                "reuse",
                                "executors",
                                List.of(Map.of(
                                        "executor",
                                        "apiguard-refresh-token-reuse",
                                        "configuration",
                                        Map.of("clients", "public")))))));
        realm.put(
                "clientPolicies",
                Map.of(
                        "policies",
                        List.of(Map.of(
                                "name",
                                "reuse",
                                "enabled",
                                true,
                                "conditions",
                                List.of(Map.of("condition", "any-client", "configuration", Map.of())),
                                "profiles",
                                List.of("reuse")))));
        realm.put("clients", clients);
        realm.put("users", users);
        oidc.asAdmin()
                .contentType("application/json")
                .body(realm)
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
        String url = server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/apiguard/v1/audit-alerts";
        oidc.asAdmin().get(url).then().statusCode(404);
        oidc.asAdmin()
                .contentType("application/json")
                .body("{\"apiVersion\":\"apiguard/v1\",\"detectors\":{"
                        + "\"credential-stuffing\":{\"threshold\":4,\"window\":\"5m\"},"
                        + "\"password-spraying\":{\"threshold\":10,\"window\":\"10m\",\"maxAttemptsPerUser\":2},"
                        + "\"user-failures\":{\"threshold\":5,\"window\":\"15m\"},"
                        + "\"token-errors\":{\"threshold\":10,\"window\":\"10m\"},"
                        + "\"rate-limit-spike\":{\"threshold\":5,\"window\":\"10m\"}}}")
                .put(url)
                .then()
                .statusCode(200);
        // Enforced: clients of the tier "tiny" (rl-ok, rl-attack) get 3 token requests an hour; every other client is
        // far from its limit. Shadow: a user's 4th password attempt within the hour is reported, never refused.
        oidc.asAdmin()
                .contentType("application/json")
                .body("""
                        {"apiVersion": "apiguard/v1",
                         "tiers": {"standard": {"capacity": 100000, "rate": "100000/s"},
                                   "tiny": {"capacity": 3, "rate": "1/h"}},
                         "defaultTier": "standard",
                         "rules": [
                           {"name": "it-clients", "key": "client", "tiered": true, "endpoints": ["token"]},
                           {"name": "it-users-shadow", "key": "username", "capacity": 3, "rate": "1/h",
                            "endpoints": ["token"], "mode": "shadow"}]}""")
                .put(server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/apiguard/v1/rate-limits")
                .then()
                .statusCode(200);
        alertsRealmReady = true;
    }

    /** A user of the alerts realm with a random password (and, if asked, an OTP credential with a random secret). */
    private Map<String, Object> alertUser(String name, boolean withOtp) {
        String password = Oidc.randomSecret();
        alertUsers.put(name, password);
        List<Map<String, Object>> credentials = new ArrayList<>();
        credentials.add(Map.of("type", "password", "value", password, "temporary", false));
        if (withOtp) {
            String secret = Oidc.randomSecret();
            alertUsers.put(name + ":otp", secret);
            credentials.add(otpCredential(secret));
        }
        Map<String, Object> user = new HashMap<>(Map.of(
                "username",
                name,
                "enabled",
                true,
                "email",
                name + "@example.org",
                "emailVerified",
                true,
                "firstName",
                "Test",
                "lastName",
                "User",
                "credentials",
                credentials));
        if (withOtp) {
            // An imported user gets no default role: this one may use the account API (its token's audience "account").
            user.put("clientRoles", Map.of("account", List.of("manage-account", "view-profile")));
        }
        return user;
    }

    private static Map<String, Object> otpCredential(String secret) {
        return Map.of(
                "type",
                "otp",
                "userLabel",
                "phone",
                "secretData",
                "{\"value\":\"" + secret + "\"}",
                "credentialData",
                "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
    }

    private int passwordGrant(String username, String password) {
        return oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "cli")
                .formParam("username", username)
                .formParam("password", password)
                .post(oidc.tokenEndpoint(ALERTS_REALM))
                .statusCode();
    }

    private String createWildcardClient(String clientId) {
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("clientId", clientId, "publicClient", true, "redirectUris", List.of("*")))
                .post(server.baseUrl() + "/admin/realms/" + ALERTS_REALM + "/clients")
                .then()
                .statusCode(201);
        return clientId;
    }

    /** Waits for the one alert of {@code detector} on {@code key} in the realm's file. */
    private Map<String, Object> awaitAlert(String detector, String key) {
        List<Map<String, Object>> found = new ArrayList<>();
        awaitTrue(
                () -> {
                    found.clear();
                    alertRecords().stream()
                            .filter(r -> detector.equals(group(r, "rule").get("name"))
                                    && key.equals(
                                            group(group(r, "apiguard"), "alert").get("key")))
                            .forEach(found::add);
                    return !found.isEmpty();
                },
                "alert " + detector + " on " + key);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private List<String> alertLines() {
        return written(server.dataDir().resolve("audit").resolve(ALERTS_REALM + ".jsonl"));
    }

    private List<Map<String, Object>> alertRecords() {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (String line : alertLines()) {
            Map<String, Object> record = parse(line);
            if ("alert".equals(group(record, "event").get("kind"))) {
                alerts.add(record);
            }
        }
        return alerts;
    }

    // ---- records --------------------------------------------------------------------------

    private Path auditFile() {
        return server.dataDir().resolve("audit").resolve(DEMO_REALM + ".jsonl");
    }

    private List<String> fileLines() {
        return written(auditFile());
    }

    private List<Map<String, Object>> fileRecords() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : fileLines()) {
            Map<String, Object> record = parse(line);
            if (!record.containsKey("checkpoint")) {
                records.add(record);
            }
        }
        return records;
    }

    private Set<String> fileTokenIds() {
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> record : fileRecords()) {
            String id = tokenId(record);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private List<Map<String, Object>> awaitRecords(Predicate<List<Map<String, Object>>> ready) {
        List<List<Map<String, Object>>> last = new ArrayList<>();
        awaitTrue(
                () -> {
                    List<Map<String, Object>> records = fileRecords();
                    last.clear();
                    last.add(records);
                    return ready.test(records);
                },
                "the records of this test in the audit file");
        return last.get(0);
    }

    private static long count(List<Map<String, Object>> records, Predicate<Map<String, Object>> which) {
        return records.stream().filter(which).count();
    }

    private static Map<String, Object> only(List<Map<String, Object>> records, Predicate<Map<String, Object>> which) {
        List<Map<String, Object>> found = records.stream().filter(which).toList();
        assertThat(found).as("records matching").hasSize(1);
        return found.get(0);
    }

    private static Set<String> ids(List<Map<String, Object>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add((String) group(r, "event").get("id")));
        return ids;
    }

    private static Predicate<Map<String, Object>> userEvent(String userId, String action, String outcome) {
        return r -> r.get("user") instanceof Map<?, ?> user
                && userId.equals(user.get("id"))
                && action.equals(group(r, "event").get("action"))
                && outcome.equals(group(r, "event").get("outcome"))
                && !r.containsKey("apiguard");
    }

    private static Predicate<Map<String, Object>> decision(String userId, String decision) {
        return r -> r.get("user") instanceof Map<?, ?> user
                && userId.equals(user.get("id"))
                && r.get("apiguard") instanceof Map<?, ?> apiguard
                && decision.equals(apiguard.get("decision"));
    }

    private static Predicate<Map<String, Object>> adminEvent(String action, String clientId) {
        return r -> action.equals(group(r, "event").get("action"))
                && group(r, "keycloak").get("representation") instanceof Map<?, ?> rep
                && clientId.equals(rep.get("clientId"));
    }

    private static Predicate<Map<String, Object>> tokenRecord(String jti) {
        return r -> jti.equals(tokenId(r));
    }

    // ---- admin helpers --------------------------------------------------------------------

    private Map<String, Object> sink(String name) {
        List<Map<String, Object>> sinks = oidc.asAdmin()
                .queryParam("max", "1")
                .get(oidc.adminUrl("/apiguard/v1/audit"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("sinks");
        return sinks.stream()
                .filter(s -> name.equals(s.get("name")))
                .findFirst()
                .orElse(Map.of());
    }

    // ---- verify ---------------------------------------------------------------------------

    /** A copy of the realm's file, its signed head and the public key, taken between two deliveries. */
    private Path snapshot() throws IOException {
        Path dir = Files.createTempDirectory(server.dataDir().getParent(), "audit-copy");
        Path audit = server.dataDir().resolve("audit");
        for (int attempt = 0; attempt < 50; attempt++) {
            byte[] head = Files.readAllBytes(Path.of(auditFile() + ".checkpoint"));
            byte[] file = Files.readAllBytes(auditFile());
            byte[] headAfter = Files.readAllBytes(Path.of(auditFile() + ".checkpoint"));
            if (java.util.Arrays.equals(head, headAfter)) {
                Files.write(dir.resolve(DEMO_REALM + ".jsonl"), file);
                Files.write(dir.resolve(DEMO_REALM + ".jsonl.checkpoint"), head);
                Files.copy(audit.resolve("signing-key.pub"), dir.resolve("signing-key.pub"));
                // The copy may hold lines written after the head: cut them so the copy is one delivery's state.
                Map<String, Object> checkpoint = parse(new String(head, StandardCharsets.UTF_8).trim());
                int covered = ((Number) checkpoint.get("line")).intValue();
                List<String> lines = Files.readAllLines(dir.resolve(DEMO_REALM + ".jsonl"));
                if (lines.size() >= covered) {
                    Files.writeString(
                            dir.resolve(DEMO_REALM + ".jsonl"), String.join("\n", lines.subList(0, covered)) + "\n");
                    return dir.resolve(DEMO_REALM + ".jsonl");
                }
            }
            sleep(100);
        }
        throw new AssertionError("no consistent copy of the audit file");
    }

    private ApiGuardServer.Exit verify(Path file) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        ApiGuardServer.repoRoot().resolve("apiguard").toString(),
                        "audit-log",
                        "verify",
                        file.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("KC_") || key.startsWith("APIGUARD_"));
        builder.environment().put("APIGUARD_PROVIDER_JAR", System.getProperty("apiguard.it.provider.jar"));
        builder.environment().put("APIGUARD_KEYCLOAK_HOME", RUN_COMMAND_KEYCLOAK.toString());
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new ApiGuardServer.Exit(process.exitValue(), output);
    }

    // ---- waiting --------------------------------------------------------------------------

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        Instant deadline = Instant.now().plus(DELIVERY);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + DELIVERY + ": " + what);
            }
            sleep(250);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The event ids of the records the webhook received. */
    private Set<String> receivedIds() {
        Set<String> ids = new HashSet<>();
        for (String line : receiver.lines()) {
            ids.add((String) group(parse(line), "event").get("id"));
        }
        return ids;
    }

    /** The token ids ({@code keycloak.details.token_id}) of the records the webhook received. */
    private Set<String> receivedTokenIds() {
        Set<String> ids = new HashSet<>();
        for (String line : receiver.lines()) {
            String id = tokenId(parse(line));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }
}
