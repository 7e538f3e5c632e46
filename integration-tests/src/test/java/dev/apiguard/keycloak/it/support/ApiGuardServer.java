package dev.apiguard.keycloak.it.support;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Keycloak started the way users start API Guard: {@code ./apiguard dev} from the repository,
 * with the built provider JAR, the shipped {@code realm-config/}, HTTPS on free loopback ports and
 * a data folder of its own under {@code target/}. The script's own readiness wait (health, then
 * every realm's discovery document) decides when the server is ready.
 *
 * <p>Stopping sends SIGTERM to the script, as Ctrl-C or a service manager would, and waits until
 * the script and every process it started have ended.
 */
public final class ApiGuardServer implements ServerEndpoint, AutoCloseable {

    private static final String READY_LINE = "apiguard: API Guard is running";
    /** 5 minutes; {@code -Dapiguard.it.start-timeout-minutes=N} for a machine under heavy load. */
    private static final Duration START_TIMEOUT =
            Duration.ofMinutes(Long.getLong("apiguard.it.start-timeout-minutes", 5));

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** Every port {@link #freePort()} handed out in this JVM. */
    private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();

    private final Settings settings;
    private final Process process;
    private final List<ProcessHandle> descendants;
    private final KeyStore trustStore;

    private ApiGuardServer(Settings settings, Process process, List<ProcessHandle> descendants) {
        this.settings = settings;
        this.process = process;
        this.descendants = descendants;
        this.trustStore = loadTrustStore(settings.dataDir().resolve("tls/server.crt"));
    }

    /** Settings for a server named {@code name} (its folder under the IT work folder). */
    public static Settings settings(String name) {
        return new Settings(name);
    }

    /** {@code https://localhost:<port>}: the issuer's base, as configured by the run command. */
    @Override
    public String baseUrl() {
        return "https://localhost:" + settings.httpsPort;
    }

    @Override
    public String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public int httpsPort() {
        return settings.httpsPort;
    }

    public int managementPort() {
        return settings.managementPort;
    }

    /** The demo orders API's HTTPS port (docs/resource-server.md). */
    public int apiPort() {
        return settings.apiPort;
    }

    /** The demo browser app's loopback port: the app is at {@code http://127.0.0.1:<port>/}. */
    public int appPort() {
        return settings.appPort;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** Trusts exactly the server's self-signed certificate. */
    @Override
    public KeyStore trustStore() {
        return trustStore;
    }

    /** The value the server was started with, or the one the run command generated and stored. */
    @Override
    public String credential(String name) {
        String given = settings.env.get(name);
        if (given != null) {
            return given;
        }
        String stored = readCredentialsFile(settings.dataDir()).get(name);
        if (stored == null) {
            throw new IllegalStateException("credential " + name + " was neither given nor generated");
        }
        return stored;
    }

    public String output() {
        return readOutput(settings.outputFile());
    }

    /**
     * Stops the server with SIGTERM and waits for the script and all its processes.
     *
     * @return the run command's exit status
     */
    public int stop() {
        if (!process.isAlive()) {
            awaitDescendantsGone();
            return process.exitValue();
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                killEverything();
                throw new IllegalStateException("./apiguard dev did not stop within " + STOP_TIMEOUT + " of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killEverything();
            throw new IllegalStateException("interrupted while stopping ./apiguard dev", e);
        }
        awaitDescendantsGone();
        return process.exitValue();
    }

    /**
     * Kills the server as {@code kill -9} would: SIGKILL to Keycloak's JVM and every other process
     * the run command started, and to the run command; no shutdown hook runs, nothing is flushed.
     */
    public void kill() {
        List<ProcessHandle> all =
                new java.util.ArrayList<>(process.descendants().toList());
        all.addAll(descendants);
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitDescendantsGone();
        try {
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The settings this server was started with (to start it again on the same data). */
    public Settings settings() {
        return settings;
    }

    /** True when a process that the run command started is still alive. */
    public boolean anyProcessLeft() {
        return process.isAlive() || descendants.stream().anyMatch(ProcessHandle::isAlive);
    }

    @Override
    public void close() {
        if (anyProcessLeft()) {
            stop();
        }
    }

    private void awaitDescendantsGone() {
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (descendants.stream().anyMatch(ProcessHandle::isAlive)
                && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(200));
        }
    }

    private void killEverything() {
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Settings of one run of {@code ./apiguard dev}; {@link #start()} runs it. */
    public static final class Settings {

        private final String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path keycloakHome = Path.of(requiredProperty("apiguard.it.keycloak.home.shared"));
        private Path realmConfigDir = repoRoot().resolve("realm-config");
        private int httpsPort = freePort();
        private int managementPort = freePort();
        private int apiPort = freePort();
        private int appPort = freePort();

        private Settings(String name) {
            this.name = requireNonNull(name, "name");
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", randomSecret());
            env.put("APIGUARD_DEMO_PASSWORD", randomSecret());
            env.put("APIGUARD_DEMO_SERVICE_SECRET", randomSecret());
        }

        public Settings keycloakHome(Path home) {
            this.keycloakHome = requireNonNull(home, "home");
            return this;
        }

        public Settings realmConfigDir(Path dir) {
            this.realmConfigDir = requireNonNull(dir, "dir");
            return this;
        }

        public Settings httpsPort(int port) {
            this.httpsPort = port;
            return this;
        }

        /** Sets an environment variable of the run, e.g. a {@code KC_SPI_...} server option. */
        public Settings env(String name, String value) {
            env.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** Leaves a credential unset, so that the run command generates it on first start. */
        public Settings withoutCredential(String name) {
            env.remove(name);
            return this;
        }

        public Path dataDir() {
            return workDir().resolve(name).resolve("data");
        }

        public Path outputFile() {
            return workDir().resolve(name).resolve("apiguard-" + name + ".out");
        }

        /** Deletes this server's data folder, for a first start. */
        public Settings freshData() {
            deleteRecursively(workDir().resolve(name));
            return this;
        }

        /** Starts {@code ./apiguard dev} and waits until it reports the server ready. */
        public ApiGuardServer start() {
            Process process = launch();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!readOutput(outputFile()).contains(READY_LINE)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("./apiguard dev exited with " + process.exitValue()
                            + " before it was ready; its output:\n" + tail(readOutput(outputFile())));
                }
                if (Instant.now().isAfter(deadline)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException("./apiguard dev was not ready within " + START_TIMEOUT
                            + "; its output:\n" + tail(readOutput(outputFile())));
                }
                sleep(Duration.ofMillis(250));
            }
            return new ApiGuardServer(this, process, process.descendants().toList());
        }

        /** Runs {@code ./apiguard dev} expecting it to end by itself (a refused start). */
        public Exit runUntilExit(Duration timeout) {
            Process process = launch();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException("./apiguard dev was still running after " + timeout
                            + "; its output:\n" + tail(readOutput(outputFile())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted", e);
            }
            return new Exit(process.exitValue(), readOutput(outputFile()));
        }

        private Process launch() {
            try {
                Files.createDirectories(outputFile().getParent());
                ProcessBuilder builder = new ProcessBuilder(
                                repoRoot().resolve("apiguard").toString(), "dev")
                        .directory(repoRoot().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(outputFile().toFile());
                Map<String, String> environment = builder.environment();
                environment.keySet().removeIf(key -> key.startsWith("KC_") || key.startsWith("APIGUARD_"));
                environment.put("APIGUARD_SKIP_BUILD", "true");
                environment.put("APIGUARD_PROVIDER_JAR", requiredProperty("apiguard.it.provider.jar"));
                environment.put("APIGUARD_KEYCLOAK_HOME", keycloakHome.toString());
                environment.put("APIGUARD_REALM_CONFIG_DIR", realmConfigDir.toString());
                environment.put("APIGUARD_DATA_DIR", dataDir().toString());
                environment.put("APIGUARD_HTTPS_PORT", Integer.toString(httpsPort));
                environment.put("APIGUARD_MANAGEMENT_PORT", Integer.toString(managementPort));
                environment.put("APIGUARD_API_PORT", Integer.toString(apiPort));
                environment.put("APIGUARD_APP_PORT", Integer.toString(appPort));
                environment.put("APIGUARD_HOST", "127.0.0.1");
                environment.put("APIGUARD_HOSTNAME", "localhost");
                environment.putAll(env);
                Process process = builder.start();
                // A test JVM that ends without closing its servers (killed, crashed) leaves none behind.
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                                    process.destroyForcibly();
                                },
                                "apiguard-server-cleanup-" + name));
                return process;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start ./apiguard dev", e);
            }
        }
    }

    /** How a run of {@code ./apiguard dev} ended. */
    public record Exit(int status, String output) {}

    // ------------------------------------------------------------------------------------------

    public static Path repoRoot() {
        return Path.of(requiredProperty("apiguard.repo.root")).toAbsolutePath().normalize();
    }

    private static Path workDir() {
        return Path.of(requiredProperty("apiguard.it.work.dir"));
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set: run the ITs through Maven (mvn verify)");
        }
        return value;
    }

    /** Reads {@code credentials.env} of a data folder: the values the run command generated. */
    public static Map<String, String> readCredentialsFile(Path dataDir) {
        Path file = dataDir.resolve("credentials.env");
        Map<String, String> values = new HashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    values.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    static KeyStore loadTrustStore(Path certificateFile) {
        try (InputStream in = Files.newInputStream(certificateFile)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("apiguard-server", certificate);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certificateFile, e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + certificateFile, e);
        }
    }

    private static String readOutput(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 60);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    /**
     * A loopback port that is free now and that this JVM has not handed out before. The port is bound later, by the
     * process it is given to, so the kernel may offer the same free port twice: two ports of one server (or of two
     * nodes) must never be equal.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                if (GIVEN_PORTS.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port that was not handed out before, in 100 attempts");
    }

    static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
