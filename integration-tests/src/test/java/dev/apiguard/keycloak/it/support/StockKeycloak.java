package dev.apiguard.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keycloak exactly as its distribution ships it, without API Guard: the same distribution as the
 * ITs' server, a Keycloak home of its own with nothing in {@code providers/}, started in
 * production mode ({@code kc.sh start}, as {@code ./apiguard dev} starts Keycloak) on plain HTTP
 * on loopback, with an in-memory database. The reference the opt-in IT compares API Guard with.
 */
public final class StockKeycloak implements ServerEndpoint, AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int httpPort;
    private final Path logFile;
    private final String adminPassword;

    private StockKeycloak(Process process, int httpPort, Path logFile, String adminPassword) {
        this.process = process;
        this.httpPort = httpPort;
        this.logFile = logFile;
        this.adminPassword = adminPassword;
    }

    /**
     * Starts the stock Keycloak at {@code apiguard.it.keycloak.home.stock} and waits until it is ready.
     * Refuses to start when that home holds a provider JAR: it would not be stock.
     */
    public static StockKeycloak start(String name) {
        Path home = Path.of(ApiGuardServer.requiredProperty("apiguard.it.keycloak.home.stock"));
        try (var providers = Files.list(home.resolve("providers"))) {
            List<Path> jars =
                    providers.filter(path -> path.toString().endsWith(".jar")).toList();
            if (!jars.isEmpty()) {
                throw new IllegalStateException(
                        "the stock Keycloak at " + home + " is not stock: providers/ holds " + jars);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + home.resolve("providers"), e);
        }
        int httpPort = ApiGuardServer.freePort();
        int managementPort = ApiGuardServer.freePort();
        String password = ApiGuardServer.randomSecret();
        Path workDir =
                Path.of(ApiGuardServer.requiredProperty("apiguard.it.work.dir")).resolve(name);
        Path logFile = workDir.resolve("keycloak.log");
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin/kc.sh").toString(),
                        "start",
                        "--db=dev-mem",
                        "--cache=local",
                        "--health-enabled=true",
                        "--http-enabled=true",
                        "--http-host=127.0.0.1",
                        "--http-port=" + httpPort,
                        "--http-management-port=" + managementPort,
                        "--hostname=http://localhost:" + httpPort,
                        "--log-console-color=false")
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment
                .keySet()
                .removeIf(key -> key.startsWith("KC_") || key.startsWith("APIGUARD_") || key.startsWith("JAVA_OPTS"));
        environment.put("JAVA_HOME", ServerJava.home().toString());
        environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", password);
        Process process;
        try {
            Files.createDirectories(workDir);
            builder.redirectOutput(logFile.toFile()).directory(workDir.toFile());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the stock Keycloak at " + home, e);
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            process.descendants().forEach(ProcessHandle::destroyForcibly);
                            process.destroyForcibly();
                        },
                        "stock-keycloak-cleanup-" + name));
        StockKeycloak stock = new StockKeycloak(process, httpPort, logFile, password);
        stock.awaitReady(managementPort);
        return stock;
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** Plain HTTP: no certificate to trust; an empty store, so that nothing else is trusted either. */
    @Override
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an empty trust store", e);
        }
    }

    @Override
    public String credential(String name) {
        return switch (name) {
            case "KC_BOOTSTRAP_ADMIN_USERNAME" -> "admin";
            case "KC_BOOTSTRAP_ADMIN_PASSWORD" -> adminPassword;
            default -> throw new IllegalStateException("the stock Keycloak has no credential " + name);
        };
    }

    private void awaitReady(int managementPort) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        for (String url : List.of(
                "http://127.0.0.1:" + managementPort + "/health/ready",
                baseUrl() + "/realms/master/.well-known/openid-configuration")) {
            while (status(client, url) != 200) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the stock Keycloak exited with " + process.exitValue() + "; its log:\n" + log());
                }
                if (Instant.now().isAfter(deadline)) {
                    close();
                    throw new IllegalStateException("the stock Keycloak did not answer " + url + " within "
                            + START_TIMEOUT + "; its log:\n" + log());
                }
                ApiGuardServer.sleep(Duration.ofMillis(500));
            }
        }
    }

    private static int status(HttpClient client, String url) {
        try {
            return client.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String log() {
        try {
            return Files.exists(logFile) ? ApiGuardServer.tail(Files.readString(logFile, StandardCharsets.UTF_8)) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server with SIGTERM and waits for it and its children. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (children.stream().anyMatch(ProcessHandle::isAlive)
                && Instant.now().isBefore(deadline)) {
            ApiGuardServer.sleep(Duration.ofMillis(200));
        }
    }
}
