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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./apiguard dev}, the run command itself: HTTPS only, data kept across restarts, clean
 * stop, a quiet console, banner commands that work in a new terminal, and clear refusals for a
 * busy port, a data folder in use, a setting out of range, an unknown command and a broken realm file.
 */
@ExtendWith(SharedServerExtension.class)
class DevCommandIT {

    private static final Path RUN_COMMAND_KEYCLOAK =
            Path.of(System.getProperty("apiguard.it.keycloak.home.run-command"));

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
            oidc.request()
                    .get(first.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration")
                    .then()
                    .statusCode(200);
            assertThat(plainHttpAnswer(first.httpsPort()))
                    .as("plain HTTP on the HTTPS port")
                    .doesNotStartWith("HTTP/");
            assertThat(plainHttpAnswer(first.managementPort()))
                    .as("plain HTTP on the management port")
                    .doesNotStartWith("HTTP/");

            Path credentials = first.dataDir().resolve("credentials.env");
            assertThat(Files.getPosixFilePermissions(credentials))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            generated = ApiGuardServer.readCredentialsFile(first.dataDir());
            assertThat(generated)
                    .containsKeys(
                            "KC_BOOTSTRAP_ADMIN_PASSWORD", "APIGUARD_DEMO_PASSWORD", "APIGUARD_DEMO_SERVICE_SECRET");
            String output = first.output();
            Path shownCredentials = credentials.toAbsolutePath().normalize();
            assertThat(output)
                    .contains("generated on first start and kept in " + shownCredentials)
                    .contains("values not printed: standard output is not a terminal");
            for (String secret :
                    List.of("KC_BOOTSTRAP_ADMIN_PASSWORD", "APIGUARD_DEMO_PASSWORD", "APIGUARD_DEMO_SERVICE_SECRET")) {
                assertThat(output)
                        .as("output of a run whose standard output is a file")
                        .doesNotContain(generated.get(secret));
            }
            assertThat(output)
                    .as("banner order")
                    .containsSubsequence(
                            "Account console",
                            "alice's and ann's password: " + "APIGUARD_DEMO_PASSWORD in " + shownCredentials,
                            "Try next");
            assertThat(output)
                    .as("quiet console")
                    .doesNotContain("sun.misc.Unsafe")
                    .doesNotContain("KC-SERVICES0047")
                    .doesNotContain("Reporting health down status");
            String log = keycloakLogs(first.dataDir());
            assertThat(log)
                    .as("Keycloak's full log in the data folder")
                    .contains("Listening on: https://127.0.0.1:")
                    .contains("Realm 'apiguard-demo' imported");
            assertThat(log.contains("KC-SERVICES0047") || log.contains("SRHCK01001"))
                    .as(
                            "the log keeps what the console drops (an internal-SPI note on a re-build, or a DOWN health probe)")
                    .isTrue();
            oidc.demoServiceToken("orders:read").then().statusCode(200);

            ShellRun tryNext = runInCleanShell(tryNextBlock(output));
            assertThat(tryNext.status())
                    .as("exit status of the banner's commands; their output:%n%s", tryNext.output())
                    .isZero();
            assertThat(tryNext.output())
                    .contains("\"issuer\":\"" + first.realmUrl(DEMO_REALM) + "\"")
                    .contains("\"access_token\":\"")
                    .contains("\"scope\":\"orders:read");
            oidc.asAdmin()
                    .contentType("application/json")
                    .body("{\"username\":\"restart-probe\",\"enabled\":true,\"email\":\"probe@example.org\","
                            + "\"firstName\":\"Restart\",\"lastName\":\"Probe\"}")
                    .post(first.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users")
                    .then()
                    .statusCode(201);
            certificate = Files.readAllBytes(first.dataDir().resolve("tls/server.crt"));

            assertThat(first.stop()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(first.anyProcessLeft())
                    .as("a process of the first run is still alive")
                    .isFalse();
        }

        try (ApiGuardServer second = settings.start()) {
            Oidc oidc = new Oidc(second);
            assertThat(oidc.asAdmin()
                            .queryParam("username", "restart-probe")
                            .queryParam("exact", true)
                            .get(second.baseUrl() + "/admin/realms/" + DEMO_REALM + "/users")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getList("username"))
                    .as("user created before the restart")
                    .containsExactly("restart-probe");
            assertThat(ApiGuardServer.readCredentialsFile(second.dataDir())).isEqualTo(generated);
            assertThat(second.output())
                    .doesNotContain("generated on first start")
                    .as("same provider JAR: Keycloak keeps its built server image")
                    .doesNotContain("Updating the server image");
            assertThat(Files.readAllBytes(second.dataDir().resolve("tls/server.crt")))
                    .isEqualTo(certificate);
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
        assertThat(exit.output())
                .contains("port " + shared.httpsPort() + " (HTTPS)")
                .contains("is already in use")
                .doesNotContain("starting Keycloak");
    }

    @Test
    void devWhenARealmFileIsBrokenThenNamesFileAndProblemAndStartsNothing(@TempDir Path realmDir) throws IOException {
        Path broken = realmDir.resolve("broken-realm.json");
        Files.writeString(broken, "{\n  \"realm\": \"broken\",\n  \"enabled\": tru\n}\n", StandardCharsets.UTF_8);
        Files.writeString(
                realmDir.resolve("misspelt-realm.json"),
                "{ \"realm\": \"misspelt\", \"sslRequire\": \"all\" }",
                StandardCharsets.UTF_8);
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

    @Test
    void devWhenTheDataFolderIsInUseThenRefusesBeforeBuilding(ApiGuardServer shared) {
        // Same data folder as the shared server, other ports, and a real build: the lock comes first.
        ApiGuardServer.Exit exit = ApiGuardServer.settings("shared")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .env("APIGUARD_SKIP_BUILD", "false")
                .runUntilExit(Duration.ofSeconds(20));

        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.output())
                .contains("data folder " + shared.dataDir().toAbsolutePath().normalize()
                        + " is in use by another ./apiguard dev")
                .doesNotContain("building the provider JAR")
                .doesNotContain("starting Keycloak");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "APIGUARD_HTTPS_PORT | 99999 | APIGUARD_HTTPS_PORT must be a port number from 1 to 65535, got '99999'",
                "APIGUARD_MANAGEMENT_PORT | 0 | APIGUARD_MANAGEMENT_PORT must be a port number from 1 to 65535, got '0'",
                "APIGUARD_HTTPS_PORT | 84a3 | APIGUARD_HTTPS_PORT must be a port number from 1 to 65535, got '84a3'",
                "APIGUARD_APP_PORT | 70000 | APIGUARD_APP_PORT must be a port number from 1 to 65535, got '70000'",
                "APIGUARD_START_TIMEOUT | 5min | APIGUARD_START_TIMEOUT must be a whole number of seconds from 1, got '5min'",
            })
    void devWhenASettingIsOutOfRangeThenRefusesBeforeAnythingElse(String name, String value, String message) {
        ApiGuardServer.Exit exit = ApiGuardServer.settings("bad-setting")
                .keycloakHome(RUN_COMMAND_KEYCLOAK)
                .env(name, value)
                .freshData()
                .runUntilExit(Duration.ofSeconds(20));

        assertThat(exit.status()).isEqualTo(1);
        assertThat(exit.output().strip()).isEqualTo("apiguard: ERROR: " + message);
    }

    @Test
    void apiguardWhenTheCommandIsUnknownThenSaysSoAndFails() throws Exception {
        ShellRun run = runScript("start");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.output())
                .startsWith("apiguard: ERROR: unknown command 'start'")
                .doesNotContain("Usage:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "--version"})
    void apiguardVersionThenPrintsTheProjectAndKeycloakVersions(String argument) throws Exception {
        ShellRun run = runScript(argument);

        assertThat(run.status()).isZero();
        assertThat(run.output())
                .isEqualTo("API Guard " + System.getProperty("apiguard.expected.version") + " (Keycloak "
                        + System.getProperty("apiguard.keycloak.version") + ")\n");
    }

    /** The lines after "Try next" up to the first blank line, without their indentation: a shell script. */
    static String tryNextBlock(String output) {
        String[] lines = output.substring(output.indexOf("\nTry next") + 1).split("\n");
        StringBuilder block = new StringBuilder();
        for (int i = 1; i < lines.length && !lines[i].isBlank(); i++) {
            block.append(lines[i].startsWith("  ") ? lines[i].substring(2) : lines[i])
                    .append('\n');
        }
        return block.toString();
    }

    /** Runs a script as a new terminal would: bash with nothing in its environment but PATH and HOME. */
    private static ShellRun runInCleanShell(String script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-c", script).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String home = environment.get("HOME");
        environment.clear();
        environment.put("PATH", path);
        environment.put("HOME", home);
        return run(builder);
    }

    private static ShellRun runScript(String argument) throws IOException, InterruptedException {
        return run(
                new ProcessBuilder(ApiGuardServer.repoRoot().resolve("apiguard").toString(), argument)
                        .redirectErrorStream(true));
    }

    private static ShellRun run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after 60 s: " + builder.command());
        }
        return new ShellRun(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private record ShellRun(int status, String output) {}

    /** What a server answers to a plain-text HTTP request, or "" when it answers nothing readable. */
    private static String plainHttpAnswer(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
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
