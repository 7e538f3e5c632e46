package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live realm audit, {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit}: 401 without a
 * token, 403 without {@code view-realm}, and, for a viewer holding only {@code view-realm}, the
 * same findings as {@code ./apiguard audit} gives offline for the realm's partial export (the
 * admin console's export, taken by the master admin). Also runs {@code ./apiguard audit --server}.
 */
@ExtendWith(SharedServerExtension.class)
class RealmAuditIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/apiguard/v1/realm-audit";

    @Test
    void realmAuditWhenNoTokenThen401(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        assertThat(oidc.request().get(oidc.adminUrl(PATH)).statusCode()).isEqualTo(401);
    }

    @Test
    void realmAuditWhenUserHasNoRealmManagementRoleThen403(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        String realm = newDefaultRealm(oidc, server);
        String password = createUser(oidc, server, realm, "nobody");
        String token = adminCliToken(oidc, server, realm, "nobody", password);
        Response response = oidc.request().auth().oauth2(token).get(auditUrl(server, realm));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.jsonPath().getString("error")).isEqualTo("forbidden");
        assertThat(response.jsonPath().getList("problems")).containsExactly("requires view-realm");
        deleteRealm(oidc, server, realm);
    }

    @Test
    void realmAuditOfKeycloakDefaultRealmWhenViewRealmOnlyThenEqualsOfflineAuditOfItsExport(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        String realm = newDefaultRealm(oidc, server);
        String password = createUser(oidc, server, realm, "viewer");
        grantRealmManagementRole(oidc, server, realm, "viewer", "view-realm");
        String token = adminCliToken(oidc, server, realm, "viewer", password);

        JsonNode live = liveFindings(oidc, server, realm, token);
        CommandResult offline = auditExport(oidc, server, realm, "json");
        assertThat(offline.exit()).as(offline.stderr()).isIn(0, 1);
        JsonNode offlineFindings = withoutLines(JSON.readTree(offline.stdout()).at("/reports/0/findings"));

        assertThat(live).isNotEmpty();
        assertThat(offlineFindings).isEqualTo(live);
        assertThat(checksOf(live))
                .contains(
                        "realm.brute-force-off",
                        "realm.signature-algorithm-not-fapi",
                        "keys.no-fapi-signing-key",
                        "realm.baseline-not-adopted",
                        "flows.second-factor-optional",
                        "roles.default-offline-access");

        // The example in docs/realm-audit.md: the text report of a realm made with Keycloak's defaults.
        CommandResult text = auditExport(oidc, server, realm, "text");
        Path example = Path.of(System.getProperty("apiguard.it.work.dir", "target"))
                .resolve("realm-audit-keycloak-defaults.txt");
        Files.createDirectories(example.getParent());
        Files.writeString(example, text.stdout().replace(realm, "defaults"), StandardCharsets.UTF_8);
        System.out.println(text.stdout());
        deleteRealm(oidc, server, realm);
    }

    @Test
    void realmAuditOfDemoRealmThenEqualsOfflineAuditOfItsExportAndNothingAboveLow(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        JsonNode live = liveFindings(oidc, server, Oidc.DEMO_REALM, oidc.masterAdminToken());
        CommandResult offline = auditExport(oidc, server, Oidc.DEMO_REALM, "json");
        assertThat(offline.exit()).as(offline.stderr()).isZero();
        assertThat(withoutLines(JSON.readTree(offline.stdout()).at("/reports/0/findings")))
                .isEqualTo(live);
        for (JsonNode finding : live) {
            assertThat(finding.get("severity").asText()).as(finding.toString()).isIn("low", "info");
        }
    }

    @Test
    void commandLineWhenServerAndTokenThenPrintsTheLiveAuditAndExitsByFailOn(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String realm = newDefaultRealm(oidc, server);
        String password = createUser(oidc, server, realm, "viewer");
        grantRealmManagementRole(oidc, server, realm, "viewer", "view-realm");
        String token = adminCliToken(oidc, server, realm, "viewer", password);
        JsonNode live = liveFindings(oidc, server, realm, token);

        String cacert = server.dataDir().resolve("tls/server.crt").toString();
        CommandResult json = apiguard(
                Map.of("APIGUARD_AUDIT_TOKEN", token),
                "audit",
                "--format",
                "json",
                "--server",
                server.baseUrl(),
                "--realm",
                realm,
                "--cacert",
                cacert);
        assertThat(json.exit()).as(json.stderr()).isEqualTo(1);
        assertThat(JSON.readTree(json.stdout()).at("/reports/0/findings")).isEqualTo(live);
        assertThat(json.stdout()).doesNotContain(token);

        CommandResult gate = apiguard(
                Map.of("APIGUARD_AUDIT_TOKEN", token),
                "audit",
                "--fail-on",
                "critical",
                "--server",
                server.baseUrl(),
                "--realm",
                realm,
                "--cacert",
                cacert);
        assertThat(gate.exit()).as(gate.stderr()).isZero();

        CommandResult refused = apiguard(
                Map.of("APIGUARD_AUDIT_TOKEN", "not-a-token"),
                "audit",
                "--server",
                server.baseUrl(),
                "--realm",
                realm,
                "--cacert",
                cacert);
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.stderr()).contains("401");
        deleteRealm(oidc, server, realm);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String auditUrl(ApiGuardServer server, String realm) {
        return server.baseUrl() + "/admin/realms/" + realm + PATH;
    }

    private static JsonNode liveFindings(Oidc oidc, ApiGuardServer server, String realm, String token)
            throws IOException {
        Response response = oidc.request().auth().oauth2(token).get(auditUrl(server, realm));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.asString());
        assertThat(body.get("realm").asText()).isEqualTo(realm);
        assertThat(body.get("checks").asInt()).isGreaterThanOrEqualTo(60);
        return body.get("findings");
    }

    /** The admin console's partial export (clients, groups and roles), audited offline by ./apiguard audit. */
    private static CommandResult auditExport(Oidc oidc, ApiGuardServer server, String realm, String format)
            throws Exception {
        String export = oidc.asAdmin()
                .queryParam("exportClients", true)
                .queryParam("exportGroupsAndRoles", true)
                .post(server.baseUrl() + "/admin/realms/" + realm + "/partial-export")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Path file = Files.createTempFile("realm-audit-" + realm, ".json");
        try {
            Files.writeString(file, export, StandardCharsets.UTF_8);
            return apiguard(Map.of(), "audit", "--format", format, file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static JsonNode withoutLines(JsonNode findings) {
        List<JsonNode> copy = new ArrayList<>();
        for (JsonNode finding : findings) {
            ObjectNode node = finding.deepCopy();
            node.remove("line");
            copy.add(node);
        }
        return JSON.valueToTree(copy);
    }

    private static List<String> checksOf(JsonNode findings) {
        List<String> checks = new ArrayList<>();
        findings.forEach(f -> checks.add(f.get("check").asText()));
        return checks;
    }

    record CommandResult(int exit, String stdout, String stderr) {}

    /** Runs ./apiguard with the IT's provider JAR and Keycloak (no build, no download). */
    private static CommandResult apiguard(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ApiGuardServer.repoRoot().resolve("apiguard").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("APIGUARD_SKIP_BUILD", "true");
        builder.environment().put("APIGUARD_PROVIDER_JAR", System.getProperty("apiguard.it.provider.jar"));
        builder.environment().put("APIGUARD_KEYCLOAK_HOME", System.getProperty("apiguard.it.keycloak.home.shared"));
        builder.environment().remove("APIGUARD_AUDIT_TOKEN");
        builder.environment().putAll(env);
        Path out = Files.createTempFile("realm-audit", ".out");
        Path err = Files.createTempFile("realm-audit", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("./apiguard " + String.join(" ", args) + " did not finish within 3 minutes");
            }
            return new CommandResult(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String newDefaultRealm(Oidc oidc, ApiGuardServer server) {
        String realm = "audit-"
                + Oidc.randomSecret()
                        .substring(0, 8)
                        .toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9]", "x");
        oidc.asAdmin()
                .contentType("application/json")
                .body(Map.of("realm", realm, "enabled", true))
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
        return realm;
    }

    private static void deleteRealm(Oidc oidc, ApiGuardServer server, String realm) {
        oidc.asAdmin()
                .delete(server.baseUrl() + "/admin/realms/" + realm)
                .then()
                .statusCode(204);
    }

    private static String createUser(Oidc oidc, ApiGuardServer server, String realm, String username) {
        String password = Oidc.randomSecret();
        oidc.asAdmin()
                .contentType("application/json")
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
                        "Audit",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post(server.baseUrl() + "/admin/realms/" + realm + "/users")
                .then()
                .statusCode(201);
        return password;
    }

    private static void grantRealmManagementRole(
            Oidc oidc, ApiGuardServer server, String realm, String username, String role) {
        String adminBase = server.baseUrl() + "/admin/realms/" + realm;
        String userId = oidc.asAdmin()
                .queryParam("username", username)
                .queryParam("exact", true)
                .get(adminBase + "/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        String realmManagement = oidc.asAdmin()
                .queryParam("clientId", "realm-management")
                .get(adminBase + "/clients")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        Map<String, Object> roleRep = oidc.asAdmin()
                .get(adminBase + "/clients/" + realmManagement + "/roles/" + role)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        oidc.asAdmin()
                .contentType("application/json")
                .body(List.of(roleRep))
                .post(adminBase + "/users/" + userId + "/role-mappings/clients/" + realmManagement)
                .then()
                .statusCode(204);
    }

    private static String adminCliToken(
            Oidc oidc, ApiGuardServer server, String realm, String username, String password) {
        return oidc.request()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", username)
                .formParam("password", password)
                .post(server.realmUrl(realm) + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }
}
