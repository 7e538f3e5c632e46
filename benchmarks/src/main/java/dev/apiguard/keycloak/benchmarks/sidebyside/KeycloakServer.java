package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Keycloak started from a home with {@code kc.sh start} (production mode), HTTPS only on a free
 * loopback port, health on a free loopback management port, H2 file database and local caches.
 * Both servers of a run get exactly the same options; only API Guard's adds {@code --import-realm}.
 * {@link #close()} stops it with SIGTERM (then SIGKILL after 60 s) and waits for every process it started.
 */
final class KeycloakServer implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final int httpsPort;
    private final Path log;
    private final Thread cleanup;
    private long jvmPid;

    private KeycloakServer(String name, Process process, int httpsPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpsPort = httpsPort;
        this.log = log;
        // A benchmark that ends abnormally (Ctrl-C, SIGTERM, an uncaught error) stops its servers the same way.
        this.cleanup = new Thread(this::close, "side-by-side-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts a server from {@code home} with data in {@code dataDir} and waits until it is ready. */
    static KeycloakServer start(
            String name,
            Path home,
            Path dataDir,
            Path javaHome,
            ServerTls tls,
            Map<String, String> env,
            boolean importRealms,
            Duration startTimeout) {
        int httpsPort = freePort();
        int managementPort = freePort();
        Path log = dataDir.resolve("keycloak.out");
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/kc.sh").toString(),
                "start",
                "--db=dev-file",
                "--db-url=jdbc:h2:file:" + dataDir.resolve("db/keycloakdb") + ";NON_KEYWORDS=VALUE",
                "--cache=local",
                "--health-enabled=true",
                "--http-enabled=false",
                "--http-host=127.0.0.1",
                "--https-port=" + httpsPort,
                "--http-management-port=" + managementPort,
                "--https-key-store-file=" + tls.keyStore(),
                "--https-key-store-type=PKCS12",
                "--hostname=https://127.0.0.1:" + httpsPort));
        if (importRealms) {
            command.add("--import-realm");
        }
        try {
            Files.createDirectories(dataDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> environment = builder.environment();
            environment
                    .keySet()
                    .removeIf(
                            key -> key.startsWith("KC_") || key.startsWith("APIGUARD_") || key.startsWith("JAVA_OPTS"));
            environment.put("JAVA_HOME", javaHome.toString());
            environment.put("KC_HTTPS_KEY_STORE_PASSWORD", tls.password());
            environment.putAll(env);
            KeycloakServer server = new KeycloakServer(name, builder.start(), httpsPort, log);
            server.awaitReady(managementPort, tls, startTimeout);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    private void awaitReady(int managementPort, ServerTls tls, Duration timeout) {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(tls.clientContext())
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        URI health = URI.create("https://127.0.0.1:" + managementPort + "/health/ready");
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + ": Keycloak exited with " + process.exitValue()
                        + " during start; the end of " + log + ":\n" + tail());
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // Not listening yet: the loop retries until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException(
                        name + ": Keycloak was not ready within " + timeout + "; the end of " + log + ":\n" + tail());
            }
            sleep(Duration.ofSeconds(1));
        }
        jvmPid = findJvm()
                .orElseThrow(
                        () -> new IllegalStateException(name + ": no Java process found under pid " + process.pid()));
    }

    /** kc.sh runs the build step as a child and then {@code exec}s the server: the JVM is the script's own pid or a child. */
    private Optional<Long> findJvm() {
        List<ProcessHandle> candidates = new ArrayList<>();
        candidates.add(process.toHandle());
        process.descendants().forEach(candidates::add);
        return candidates.stream()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "https://127.0.0.1:" + httpsPort;
    }

    /** CPU time the server's JVM has used so far, in milliseconds. */
    long cpuMillis() {
        return ProcStat.cpuMillis(jvmPid);
    }

    long jvmPid() {
        return jvmPid;
    }

    private String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the server (SIGTERM, SIGKILL after 60 s) and waits until every process it started has ended. */
    @Override
    public void close() {
        List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
        started.add(process.toHandle());
        started.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (started.stream().anyMatch(ProcessHandle::isAlive)
                && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(200));
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // Called from the shutdown itself: the hook is running or has run.
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
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
