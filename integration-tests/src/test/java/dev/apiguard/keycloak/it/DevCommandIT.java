package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./apiguard dev}, the run command itself: HTTPS only, data kept across restarts, clean
 * stop, and clear refusals for a busy port and a broken realm file.
 */
@ExtendWith(SharedServerExtension.class)
class DevCommandIT {

    private static final Path RUN_COMMAND_KEYCLOAK = Path.of(System.getProperty("apiguard.it.keycloak.home.run-command"));

    @Test
    void devWhenStartedTwiceThenServesHttpsOnlyKeepsDataAndGeneratesCredentialsOnce() throws Exception {
        ApiGuardServer.Settings settings = ApiGuardServer.settings("restart")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .withoutCredential("KC_BOOTSTRAP_ADMIN_USERNAME")
                .withoutCredential("KC_BOOTSTRAP_ADMIN_PASSWORD")
                .withoutCredential("APIGUARD_DEMO_PASSWORD")
                .withoutCredential("APIGUARD_DEMO_SERVICE_SECRET")
                .freshData();
        Map<String, String> generated;
        byte[] certificate;

        try (ApiGuardServer first = settings.start()) {
            Oidc oidc = new Oidc(first);
            oidc.request().get(first.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration")
                    .then().statusCode(200);
            assertThat(plainHttpAnswer(first.httpsPort())).as("plain HTTP on the HTTPS port").doesNotStartWith("HTTP/");
            assertThat(plainHttpAnswer(first.managementPort())).as("plain HTTP on the management port").doesNotStartWith("HTTP/");

            Path credentials = first.dataDir().resolve("credentials.env");
            assertThat(Files.getPosixFilePermissions(credentials))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            generated = ApiGuardServer.readCredentialsFile(first.dataDir());
            assertThat(generated).containsKeys("KC_BOOTSTRAP_ADMIN_PASSWORD", "APIGUARD_DEMO_PASSWORD", "APIGUARD_DEMO_SERVICE_SECRET");
            assertThat(first.output()).contains("generated on first start")
                    .contains("APIGUARD_DEMO_SERVICE_SECRET=" + generated.get("APIGUARD_DEMO_SERVICE_SECRET"));
            oidc.demoServiceToken("orders:read").then().statusCode(200);
            oidc.asAdmin().contentType("application/json")
                    .body("{\"username\":\"restart-probe\",\"enabled\":true,\"email\":\"probe@example.org\","
                            + "\"firstName\":\"Restart\",\"lastName\":\"Probe\"}")
                    .post(first.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users")
                    .then().statusCode(201);
            certificate = Files.readAllBytes(first.dataDir().resolve("tls/server.crt"));

            assertThat(first.stop()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(first.anyProcessLeft()).as("a process of the first run is still alive").isFalse();
        }

        try (ApiGuardServer second = settings.start()) {
            Oidc oidc = new Oidc(second);
            assertThat(oidc.asAdmin().queryParam("username", "restart-probe").queryParam("exact", true)
                    .get(second.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users")
                    .then().statusCode(200).extract().jsonPath().getList("username"))
                    .as("user created before the restart").containsExactly("restart-probe");
            assertThat(ApiGuardServer.readCredentialsFile(second.dataDir())).isEqualTo(generated);
            assertThat(second.output()).doesNotContain("generated on first start");
            assertThat(Files.readAllBytes(second.dataDir().resolve("tls/server.crt"))).isEqualTo(certificate);
            assertThat(keycloakLogs(second.dataDir())).contains("Realm 'apiguard-demo' already exists. Import skipped");
            oidc.demoServiceToken("orders:read").then().statusCode(200);
        }
    }

    @Test
    void devWhenHttpsPortIsBusyThenFailsAtOnceNamingThePort(ApiGuardServer shared) {
        ApiGuardServer.Exit exit = ApiGuardServer.settings("busy-port")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .httpsPort(shared.httpsPort())
                .freshData()
                .runUntilExit(Duration.ofSeconds(20));

        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.output()).contains("port " + shared.httpsPort() + " (HTTPS)").contains("is already in use")
                .doesNotContain("starting Keycloak");
    }

    @Test
    void devWhenARealmFileIsBrokenThenNamesFileAndProblemAndStartsNothing(@TempDir Path realmDir) throws IOException {
        Path broken = realmDir.resolve("broken-realm.json");
        Files.writeString(broken, "{\n  \"realm\": \"broken\",\n  \"enabled\": tru\n}\n", StandardCharsets.UTF_8);
        Files.writeString(realmDir.resolve("misspelt-realm.json"),
                "{ \"realm\": \"misspelt\", \"sslRequire\": \"all\" }", StandardCharsets.UTF_8);
        ApiGuardServer.Settings settings = ApiGuardServer.settings("broken-realm")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .realmConfigDir(realmDir)
                .freshData();

        ApiGuardServer.Exit exit = settings.runUntilExit(Duration.ofSeconds(60));

        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.output())
                .contains(broken + ": line 3, column ")
                .contains(realmDir.resolve("misspelt-realm.json") + ": ")
                .contains("\"sslRequire\"")
                .contains("nothing was started")
                .doesNotContain("starting Keycloak");
        assertThat(settings.dataDir().resolve("db")).doesNotExist();
    }

    /** What a server answers to a plain-text HTTP request, or "" when it answers nothing readable. */
    private static String plainHttpAnswer(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64];
            int read = in.read(buffer);
            return read <= 0 ? "" : new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException | java.net.SocketException e) {
            return "";
        }
    }

    private static String keycloakLogs(Path dataDir) throws IOException {
        StringBuilder logs = new StringBuilder();
        try (var files = Files.list(dataDir.resolve("log"))) {
            for (Path file : files.toList()) {
                logs.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return logs.toString();
    }
}
