package dev.apiguard.keycloak.it.support;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Keycloak cluster in production mode for integration tests: N nodes (2 by default) of the
 * Keycloak distribution with API Guard's provider JAR, on one private {@link PostgresServer},
 * forming one Infinispan cluster through Keycloak's default {@code jdbc-ping} stack, all on
 * loopback.
 *
 * <p>Use it per test class through {@link KeycloakClusterExtension}:
 * <pre>{@code
 * @RegisterExtension
 * static final KeycloakClusterExtension CLUSTER = new KeycloakClusterExtension(
 *         KeycloakCluster.settings("my-cluster")
 *                 .option("--spi-<spi>--<provider>--<option>=value"));
 *
 * @Test
 * void something(KeycloakCluster cluster) {
 *     Oidc one = cluster.node(1).oidc();
 *     Oidc two = cluster.node(2).oidc();
 *     cluster.stopNode(2);
 *     cluster.startNode(2);
 * }
 * }</pre>
 * or directly: {@code try (KeycloakCluster cluster = KeycloakCluster.settings("x").start()) { ... }}.
 *
 * <p>What {@link Settings#start()} does, in order, and checks:
 * <ol>
 *   <li>starts PostgreSQL (its folder, and the cluster's, are {@code target/it-clusters/<name>/},
 *       deleted first) with a database {@code keycloak};</li>
 *   <li>makes a self-signed EC certificate with the server JDK's {@code keytool}, as
 *       {@code ./apiguard dev} does (SAN {@code localhost}, {@code 127.0.0.1}), used by every
 *       node for HTTPS and the management port; {@link #trustStore()} trusts exactly it;</li>
 *   <li>copies the pristine distribution (unpacked by Maven) into {@code node-1/keycloak},
 *       installs the provider JAR (the login theme is inside it) into {@code providers/}, runs
 *       {@code kc.sh build --db=postgres --health-enabled=true} plus
 *       {@link Settings#buildOption} once, then copies the built home to every other node: a
 *       home per node, since each writes its own {@code data/} (transaction log, caches);</li>
 *   <li>starts node 1 with {@code start --optimized --import-realm} (the realm files of
 *       {@code realm-config/}, their {@code ${ENV}} placeholders filled from random
 *       credentials), waits for its management {@code /health/ready} and every imported realm's
 *       discovery document; then starts each further node the same way without import;</li>
 *   <li>waits until the latest Infinispan cluster view in every running node's log
 *       ({@code ISPN000094}, or {@code ISPN000093} after a merge) has as many members as nodes
 *       run, and the same members on every node ({@link #clusterView(int)});</li>
 *   <li>every node runs with {@code --cache=ispn} (the distributed caches), HTTPS only on free
 *       127.0.0.1 ports, a management port of its own, and its JGroups transport bound to
 *       127.0.0.1 on a port of its own; the nodes find each other through the
 *       shared database (Keycloak's default {@code jdbc-ping} stack).</li>
 * </ol>
 *
 * <p>Every node has the same {@code --hostname}: {@code https://localhost:<node 1's HTTPS port>}
 * ({@link #hostname()}), since a token's {@code iss} is built from it and a node only accepts
 * tokens whose issuer it would write itself. With {@code --hostname-backchannel-dynamic=true}
 * the back-channel URLs (token, introspection, JWKS in discovery) follow the request, so a
 * client of node 2 that follows discovery stays on node 2. Front-channel URLs that Keycloak
 * writes into pages (login form actions) and {@code iss} name node 1: a login form fetched from
 * node 2 posts to node 1, as a browser behind a load balancer would post to its front. Each
 * {@link Node#oidc()} sends its own requests to its node's port.
 *
 * <p>Stopping sends SIGTERM to {@code kc.sh} (which forwards it to Keycloak), waits for it and
 * its children, then stops PostgreSQL; {@link #anyProcessLeft()} checks; a JVM shutdown hook
 * kills what an aborted run leaves. Logs: {@code node-<i>/keycloak.log} (console output, appended
 * across restarts), {@code node-1/build.log}, {@code postgres/postgres.log}.
 */
public final class KeycloakCluster implements AutoCloseable {

    public static final String DATABASE = "keycloak";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration NODE_START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern CLUSTER_VIEW = Pattern.compile(
            "ISPN00009[34]: Received new(?:, MERGED)? cluster view for channel \\S+: .*?\\((\\d+)\\) \\[([^\\]]*)\\]");

    private final Settings settings;
    private final Path clusterDir;
    private final PostgresServer postgres;
    private final Path javaHome;
    private final KeyStore trustStore;
    private final String keyStorePassword;
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> realms;
    private final Thread shutdownHook;

    private KeycloakCluster(
            Settings settings,
            Path clusterDir,
            PostgresServer postgres,
            Path javaHome,
            String keyStorePassword,
            List<String> realms) {
        this.settings = settings;
        this.clusterDir = clusterDir;
        this.postgres = postgres;
        this.javaHome = javaHome;
        this.keyStorePassword = keyStorePassword;
        this.trustStore = ApiGuardServer.loadTrustStore(clusterDir.resolve("tls/server.crt"));
        this.realms = realms;
        for (int number = 1; number <= settings.nodeCount; number++) {
            nodes.add(
                    new Node(number, ApiGuardServer.freePort(), ApiGuardServer.freePort(), ApiGuardServer.freePort()));
        }
        this.shutdownHook = new Thread(this::killEverything, "keycloak-cluster-cleanup-" + settings.name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Settings for a cluster named {@code name} (its folder under {@code target/it-clusters/}). */
    public static Settings settings(String name) {
        return new Settings(name);
    }

    /** Node {@code number}, counted from 1. */
    public Node node(int number) {
        if (number < 1 || number > nodes.size()) {
            throw new IllegalArgumentException("node " + number + " does not exist: nodes are 1 to " + nodes.size());
        }
        return nodes.get(number - 1);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The {@code --hostname} of every node: {@code https://localhost:<node 1's HTTPS port>}, the base of {@code iss}. */
    public String hostname() {
        return "https://localhost:" + nodes.get(0).httpsPort;
    }

    /** Trusts exactly the cluster's self-signed certificate (the same on every node). */
    public KeyStore trustStore() {
        return trustStore;
    }

    /** A credential every node was started with, e.g. {@code APIGUARD_DEMO_SERVICE_SECRET}. */
    public String credential(String name) {
        String value = settings.env.get(name);
        if (value == null) {
            throw new IllegalStateException("credential " + name + " was not given to the cluster");
        }
        return value;
    }

    public PostgresServer database() {
        return postgres;
    }

    public Path directory() {
        return clusterDir;
    }

    /**
     * Stops node {@code number} with SIGTERM, waits until its processes have ended and the other
     * running nodes see a cluster view without it.
     */
    public void stopNode(int number) {
        node(number).stop();
        awaitClusterView();
    }

    /** Starts node {@code number} again (no realm import), waits until it is ready and every running node sees it. */
    public void startNode(int number) {
        Node node = node(number);
        if (node.isRunning()) {
            throw new IllegalStateException("node " + number + " is already running");
        }
        node.start(false);
        awaitClusterView();
    }

    /** The members of the latest cluster view in node {@code number}'s log since its last start (empty if none yet). */
    public List<String> clusterView(int number) {
        return node(number).latestClusterView();
    }

    /** True when a process of any node is still alive, or PostgreSQL is. */
    public boolean anyProcessLeft() {
        return nodes.stream().anyMatch(Node::anyProcessLeft) || postgres.isRunning();
    }

    /** Stops every node (SIGTERM, last node first), then PostgreSQL; fails if a process is left. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int index = nodes.size() - 1; index >= 0; index--) {
            try {
                nodes.get(index).stop();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            postgres.close();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            killEverything();
            throw failure;
        }
        if (anyProcessLeft()) {
            killEverything();
            throw new IllegalStateException("a process of cluster " + settings.name + " was still alive after stop");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // closed from another shutdown hook: this one runs too and finds nothing alive
        }
    }

    private void killEverything() {
        for (Node node : nodes) {
            node.kill();
        }
    }

    private void awaitClusterView() {
        List<Node> running = nodes.stream().filter(Node::isRunning).toList();
        if (running.isEmpty()) {
            return;
        }
        Instant deadline = Instant.now().plus(VIEW_TIMEOUT);
        while (true) {
            List<List<String>> views = running.stream()
                    .map(node -> node.latestClusterView().stream().sorted().toList())
                    .toList();
            boolean complete = views.stream().allMatch(view -> view.size() == running.size())
                    && views.stream().distinct().count() == 1;
            if (complete) {
                return;
            }
            for (Node node : running) {
                node.failIfDead();
            }
            if (Instant.now().isAfter(deadline)) {
                StringBuilder report = new StringBuilder();
                for (int index = 0; index < running.size(); index++) {
                    report.append("\n  node ")
                            .append(running.get(index).number)
                            .append(": ")
                            .append(views.get(index));
                }
                throw new IllegalStateException(
                        "the " + running.size() + " running nodes did not form one cluster view within " + VIEW_TIMEOUT
                                + "; latest views:" + report);
            }
            ApiGuardServer.sleep(Duration.ofMillis(250));
        }
    }

    /**
     * The members of the last Infinispan cluster view in a Keycloak log ({@code ISPN000094}, or
     * {@code ISPN000093} for a merged view), empty when there is none; a line whose member count
     * disagrees with its member list is an error.
     */
    static List<String> latestClusterView(String log) {
        Matcher matcher = CLUSTER_VIEW.matcher(log);
        List<String> members = List.of();
        while (matcher.find()) {
            members = Stream.of(matcher.group(2).split(","))
                    .map(String::trim)
                    .filter(member -> !member.isEmpty())
                    .toList();
            if (members.size() != Integer.parseInt(matcher.group(1))) {
                throw new IllegalStateException(
                        "a cluster view whose size and member list disagree: " + matcher.group());
            }
        }
        return members;
    }

    // ------------------------------------------------------------------------------------------

    /** One Keycloak node; its {@link #oidc()} talks to this node only. */
    public final class Node implements ServerEndpoint {

        private final int number;
        private final int httpsPort;
        private final int managementPort;
        private final int clusterPort;
        private Process process;
        private List<ProcessHandle> descendants = List.of();
        private long logOffset;

        private Node(int number, int httpsPort, int managementPort, int clusterPort) {
            this.number = number;
            this.httpsPort = httpsPort;
            this.managementPort = managementPort;
            this.clusterPort = clusterPort;
        }

        public int number() {
            return number;
        }

        /** {@code https://localhost:<this node's HTTPS port>}. */
        @Override
        public String baseUrl() {
            return "https://localhost:" + httpsPort;
        }

        @Override
        public KeyStore trustStore() {
            return trustStore;
        }

        @Override
        public String credential(String name) {
            return KeycloakCluster.this.credential(name);
        }

        /** {@code https://localhost:<management port>}: {@code /health/ready} and the like. */
        public String managementUrl() {
            return "https://localhost:" + managementPort;
        }

        public int httpsPort() {
            return httpsPort;
        }

        public int managementPort() {
            return managementPort;
        }

        /** An OIDC client whose requests all go to this node. */
        public Oidc oidc() {
            return new Oidc(this);
        }

        /** An access token of the master realm's bootstrap admin, issued by this node. */
        public String adminToken() {
            return oidc().masterAdminToken();
        }

        public Path home() {
            return nodeDir().resolve("keycloak");
        }

        public Path logFile() {
            return nodeDir().resolve("keycloak.log");
        }

        /** This node's console output since its last start. */
        public String log() {
            String all = readLog();
            return logOffset <= all.length() ? all.substring((int) logOffset) : all;
        }

        public boolean isRunning() {
            return process != null && process.isAlive();
        }

        /**
         * Freezes the node (SIGSTOP to {@code kc.sh} and the processes it started): its sockets stay
         * open and it stays in the other nodes' cluster view, but it answers nothing, as a node in a
         * long GC pause or a hung VM, until {@link #thaw()} or until failure detection drops it.
         */
        public void freeze() {
            signal("STOP");
        }

        /** Resumes a {@link #freeze() frozen} node (SIGCONT). */
        public void thaw() {
            signal("CONT");
        }

        private void signal(String signal) {
            if (process == null) {
                throw new IllegalStateException("node " + number + " is not running");
            }
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
            (descendants.isEmpty() ? process.descendants().toList() : descendants)
                    .forEach(handle -> command.add(Long.toString(handle.pid())));
            try {
                int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
                if (exit != 0) {
                    throw new IllegalStateException("kill -" + signal + " of node " + number + " exited with " + exit);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot signal node " + number, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while signalling node " + number, e);
            }
        }

        /** True when {@code kc.sh} or a process it started is still alive. */
        public boolean anyProcessLeft() {
            return (process != null && process.isAlive())
                    || descendants.stream().anyMatch(ProcessHandle::isAlive);
        }

        /** The members of the latest cluster view this node logged since its last start. */
        List<String> latestClusterView() {
            return KeycloakCluster.latestClusterView(log());
        }

        private Path nodeDir() {
            return clusterDir.resolve("node-" + number);
        }

        private String readLog() {
            try {
                return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void start(boolean importRealm) {
            List<String> command = new ArrayList<>(List.of(
                    home().resolve("bin/kc.sh").toString(),
                    "start",
                    "--optimized",
                    "--db-url=" + postgres.jdbcUrl(),
                    "--db-username=" + postgres.user(),
                    "--http-enabled=false",
                    "--http-host=127.0.0.1",
                    "--https-port=" + httpsPort,
                    "--http-management-port=" + managementPort,
                    "--https-key-store-file=" + clusterDir.resolve("tls/server.p12"),
                    "--https-key-store-type=PKCS12",
                    "--hostname=" + hostname(),
                    "--hostname-backchannel-dynamic=true",
                    "--cache=ispn",
                    "--cache-embedded-network-bind-address=127.0.0.1",
                    "--cache-embedded-network-bind-port=" + clusterPort,
                    "--log-console-color=false"));
            if (importRealm) {
                command.add("--import-realm");
            }
            command.addAll(settings.options);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(nodeDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            Map<String, String> environment = builder.environment();
            environment
                    .keySet()
                    .removeIf(
                            key -> key.startsWith("KC_") || key.startsWith("APIGUARD_") || key.startsWith("JAVA_OPTS"));
            environment.put("JAVA_HOME", javaHome.toString());
            // Secrets through the environment, not the command line (visible to ps).
            environment.put("KC_DB_PASSWORD", postgres.password());
            environment.put("KC_HTTPS_KEY_STORE_PASSWORD", keyStorePassword);
            environment.putAll(settings.env);
            logOffset = readLog().length();
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start node " + number + " of cluster " + settings.name, e);
            }
            recordPids();
            awaitReady();
            descendants = process.descendants().toList();
            recordPids();
        }

        /** Writes the node's process ids, so that the next start can end what a killed test JVM left running. */
        private void recordPids() {
            List<String> pids = new ArrayList<>();
            pids.add(Long.toString(process.pid()));
            descendants.forEach(handle -> pids.add(Long.toString(handle.pid())));
            try {
                Files.write(nodeDir().resolve("pids"), pids, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the process ids of node " + number, e);
            }
        }

        private void awaitReady() {
            HttpClient client = httpClient();
            List<String> urls = new ArrayList<>();
            urls.add(managementUrl() + "/health/ready");
            realms.forEach(realm -> urls.add(realmUrl(realm) + "/.well-known/openid-configuration"));
            Instant deadline = Instant.now().plus(NODE_START_TIMEOUT);
            for (String url : urls) {
                while (status(client, url) != 200) {
                    failIfDead();
                    if (Instant.now().isAfter(deadline)) {
                        kill();
                        throw new IllegalStateException("node " + number + " of cluster " + settings.name
                                + " did not answer " + url + " within " + NODE_START_TIMEOUT + "; its log:\n"
                                + ApiGuardServer.tail(log()));
                    }
                    ApiGuardServer.sleep(Duration.ofMillis(500));
                }
            }
        }

        private void failIfDead() {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("node " + number + " of cluster " + settings.name + " exited with "
                        + process.exitValue() + "; its log (" + logFile() + "):\n" + ApiGuardServer.tail(log()));
            }
        }

        private void stop() {
            if (process == null) {
                return;
            }
            if (descendants.isEmpty()) {
                descendants = process.descendants().toList();
            }
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        kill();
                        throw new IllegalStateException(
                                "node " + number + " did not stop within " + STOP_TIMEOUT + " of SIGTERM");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    kill();
                    throw new IllegalStateException("interrupted while stopping node " + number, e);
                }
            }
            Instant deadline = Instant.now().plus(STOP_TIMEOUT);
            while (anyProcessLeft() && Instant.now().isBefore(deadline)) {
                ApiGuardServer.sleep(Duration.ofMillis(200));
            }
            if (anyProcessLeft()) {
                kill();
                throw new IllegalStateException(
                        "a process of node " + number + " was still alive " + STOP_TIMEOUT + " after SIGTERM");
            }
        }

        private void kill() {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }

        private HttpClient httpClient() {
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return HttpClient.newBuilder()
                        .sslContext(context)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot trust the cluster's certificate", e);
            }
        }

        private int status(HttpClient client, String url) {
            try {
                return client.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException e) {
                return -1; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for node " + number, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Settings of a cluster; {@link #start()} starts it. */
    public static final class Settings {

        private final String name;
        private int nodeCount = 2;
        private final List<String> options = new ArrayList<>();
        private final List<String> buildOptions = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path realmConfigDir = ApiGuardServer.repoRoot().resolve("realm-config");

        private Settings(String name) {
            this.name = requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "cluster name '" + name + "' must be a folder name: letters, digits, . _ -");
            }
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ApiGuardServer.randomSecret());
            env.put("APIGUARD_DEMO_PASSWORD", ApiGuardServer.randomSecret());
            env.put("APIGUARD_DEMO_SERVICE_SECRET", ApiGuardServer.randomSecret());
        }

        /** Number of nodes, 1 to 4; 2 by default. */
        public Settings nodes(int count) {
            if (count < 1 || count > 4) {
                throw new IllegalArgumentException("nodes must be 1 to 4 on a 2-core test machine, got " + count);
            }
            this.nodeCount = count;
            return this;
        }

        /** A run-time server option for {@code kc.sh start} of every node, e.g. {@code --spi-<spi>--<provider>--<option>=value}. */
        public Settings option(String option) {
            options.add(checkedOption(option));
            return this;
        }

        /** A build-time option for the one {@code kc.sh build}, e.g. {@code --features=...}. */
        public Settings buildOption(String option) {
            buildOptions.add(checkedOption(option));
            return this;
        }

        /** An environment variable for every node (also overrides a generated credential of the same name). */
        public Settings env(String variable, String value) {
            env.put(requireNonNull(variable, "variable"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * API Guard's audit stream on every node delivers to {@code receiver} through its webhook
         * sink (the sink for a cluster, docs/audit-stream.md), polling every 200 ms; a missing outbox
         * position holds the cursor for 3 s at most. The secret goes through the environment.
         */
        public Settings auditWebhook(WebhookReceiver receiver) {
            String prefix = "--spi-events-listener--apiguard-audit--";
            option(prefix + "sinks=webhook");
            option(prefix + "webhook-url=" + receiver.url());
            option(prefix + "poll-interval-ms=200");
            option(prefix + "gap-timeout-seconds=3");
            return env("KC_SPI_EVENTS_LISTENER__APIGUARD_AUDIT__WEBHOOK_SECRET", receiver.secret());
        }

        /** The folder whose {@code *.json} realm files node 1 imports on its first start; {@code realm-config/} by default. */
        public Settings realmConfigDir(Path dir) {
            this.realmConfigDir = requireNonNull(dir, "dir");
            return this;
        }

        public String name() {
            return name;
        }

        private static String checkedOption(String option) {
            requireNonNull(option, "option");
            if (!option.startsWith("--") || !option.contains("=")) {
                throw new IllegalArgumentException("server option '" + option + "' must have the form --name=value");
            }
            return option;
        }

        /** Starts PostgreSQL, builds Keycloak once, starts every node and waits for one cluster view of all of them. */
        public KeycloakCluster start() {
            Instant began = Instant.now();
            Path clusterDir = Path.of(ApiGuardServer.requiredProperty("apiguard.it.cluster.dir"))
                    .toAbsolutePath()
                    .normalize()
                    .resolve(name);
            Path javaHome = ServerJava.home();
            List<String> realms = realmNames(realmConfigDir);
            endLeftovers(clusterDir);
            ApiGuardServer.deleteRecursively(clusterDir);
            PostgresServer postgres = PostgresServer.start(clusterDir.resolve("postgres"), DATABASE);
            KeycloakCluster cluster = null;
            try {
                String keyStorePassword = ApiGuardServer.randomSecret();
                makeCertificate(javaHome, clusterDir.resolve("tls"), keyStorePassword);
                cluster = new KeycloakCluster(this, clusterDir, postgres, javaHome, keyStorePassword, realms);
                Instant buildBegan = Instant.now();
                prepareHomes(cluster, javaHome);
                Duration build = Duration.between(buildBegan, Instant.now());
                for (Node node : cluster.nodes) {
                    node.start(node.number == 1);
                    System.out.printf(
                            "KeycloakCluster %s: node %d ready after %d s%n",
                            name,
                            node.number,
                            Duration.between(began, Instant.now()).toSeconds());
                }
                cluster.awaitClusterView();
                System.out.printf(
                        "KeycloakCluster %s: %d nodes ready in one cluster view after %d s (homes and build %d s)%n",
                        name, nodeCount, Duration.between(began, Instant.now()).toSeconds(), build.toSeconds());
                return cluster;
            } catch (RuntimeException e) {
                if (cluster != null) {
                    try {
                        cluster.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                } else {
                    postgres.close();
                }
                throw e;
            }
        }

        private void prepareHomes(KeycloakCluster cluster, Path javaHome) {
            Path pristine = Path.of(ApiGuardServer.requiredProperty("apiguard.it.keycloak.dist.cluster"));
            if (!Files.isExecutable(pristine.resolve("bin/kc.sh"))) {
                throw new IllegalStateException(
                        "no Keycloak distribution at " + pristine + ": run the ITs through Maven (mvn verify)");
            }
            Node first = cluster.nodes.get(0);
            copyTree(pristine, first.home());
            try {
                Files.copy(
                        Path.of(ApiGuardServer.requiredProperty("apiguard.it.provider.jar")),
                        first.home().resolve("providers/apiguard-keycloak.jar"),
                        StandardCopyOption.REPLACE_EXISTING);
                Path imports = Files.createDirectories(first.home().resolve("data/import"));
                try (Stream<Path> files = Files.list(realmConfigDir)) {
                    for (Path file : files.filter(path -> path.toString().endsWith(".json"))
                            .toList()) {
                        Files.copy(file, imports.resolve(file.getFileName()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot install the provider JAR and realm files into " + first.home(), e);
            }
            List<String> command = new ArrayList<>(List.of(
                    first.home().resolve("bin/kc.sh").toString(), "build", "--db=postgres", "--health-enabled=true"));
            command.addAll(buildOptions);
            Path buildLog = first.nodeDir().resolve("build.log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(first.nodeDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(buildLog.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("KC_") || key.startsWith("JAVA_OPTS"));
            builder.environment().put("JAVA_HOME", javaHome.toString());
            runToEnd(builder, BUILD_TIMEOUT, "kc.sh build", buildLog);
            for (Node node : cluster.nodes.subList(1, cluster.nodes.size())) {
                copyTree(first.home(), node.home());
                ApiGuardServer.deleteRecursively(node.home().resolve("data"));
            }
        }

        /**
         * Ends what a killed test JVM (no shutdown hook ran) left running from this folder: its
         * PostgreSQL, and the nodes' processes whose command line names the folder (so a reused
         * pid is left alone).
         */
        private static void endLeftovers(Path clusterDir) {
            if (!Files.isDirectory(clusterDir)) {
                return;
            }
            PostgresServer.endLeftover(clusterDir.resolve("postgres"));
            try (Stream<Path> nodeDirs = Files.list(clusterDir)) {
                for (Path pidFile : nodeDirs.map(dir -> dir.resolve("pids"))
                        .filter(Files::isRegularFile)
                        .toList()) {
                    for (String line : Files.readAllLines(pidFile, StandardCharsets.US_ASCII)) {
                        ProcessHandle.of(Long.parseLong(line.trim()))
                                .filter(handle ->
                                        handle.info().commandLine().orElse("").contains(clusterDir.toString()))
                                .ifPresent(handle -> {
                                    handle.descendants().forEach(ProcessHandle::destroyForcibly);
                                    handle.destroyForcibly();
                                });
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the process ids under " + clusterDir, e);
            }
        }

        private static void makeCertificate(Path javaHome, Path tlsDir, String password) {
            try {
                Files.createDirectories(tlsDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String keytool = javaHome.resolve("bin/keytool").toString();
            String keyStore = tlsDir.resolve("server.p12").toString();
            ProcessBuilder generate = new ProcessBuilder(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-sigalg",
                    "SHA256withECDSA",
                    "-validity",
                    "30",
                    "-dname",
                    "CN=localhost,O=API Guard cluster test",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-keystore",
                    keyStore,
                    "-storetype",
                    "PKCS12",
                    "-storepass:env",
                    "KEYSTORE_PASSWORD");
            ProcessBuilder export = new ProcessBuilder(
                    keytool,
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "server",
                    "-keystore",
                    keyStore,
                    "-storepass:env",
                    "KEYSTORE_PASSWORD",
                    "-file",
                    tlsDir.resolve("server.crt").toString());
            for (ProcessBuilder builder : List.of(generate, export)) {
                builder.environment().put("KEYSTORE_PASSWORD", password);
                builder.redirectErrorStream(true)
                        .redirectOutput(tlsDir.resolve("keytool.log").toFile());
                runToEnd(builder, Duration.ofSeconds(60), "keytool", tlsDir.resolve("keytool.log"));
            }
        }

        private static void runToEnd(ProcessBuilder builder, Duration timeout, String what, Path log) {
            try {
                Process process = builder.start();
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException(what + " did not end within " + timeout + "; see " + log);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(what + " failed with exit status " + process.exitValue() + ":\n"
                            + ApiGuardServer.tail(Files.readString(log, StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + what, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + what, e);
            }
        }

        private static List<String> realmNames(Path dir) {
            ObjectMapper json = new ObjectMapper();
            try (Stream<Path> files = Files.list(dir)) {
                List<String> names = new ArrayList<>();
                for (Path file : files.filter(path -> path.toString().endsWith(".json"))
                        .sorted()
                        .toList()) {
                    JsonNode realm = json.readTree(file.toFile()).get("realm");
                    Optional.ofNullable(realm).map(JsonNode::asText).ifPresent(names::add);
                }
                return names;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the realm files of " + dir, e);
            }
        }

        private static void copyTree(Path from, Path to) {
            try (Stream<Path> paths = Files.walk(from)) {
                for (Path source : paths.toList()) {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
            }
        }
    }
}
