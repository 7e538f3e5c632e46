package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * {@code benchmarks/side-by-side}: stock Keycloak and API Guard side by side.
 *
 * <ol>
 *   <li>Copies one unpacked distribution into two homes: {@code keycloak-stock} (nothing added) and
 *       {@code keycloak-apiguard} (the provider JAR, the realm files of {@code realm-config/}).</li>
 *   <li>Starts both with the same options and JVM ({@link KeycloakServer}), fresh H2 files.</li>
 *   <li>Creates {@code bench-rs256} (Keycloak's defaults) and {@code bench-es256} on the stock server
 *       through the admin REST API, with refresh-token rotation and reuse detection on, as the demo realm has.</li>
 *   <li>With {@code --variants}, creates copies of the demo realm on the API Guard server that differ
 *       from it in one setting ({@link Variant}, {@link RealmCopy}) and checks that they do.</li>
 *   <li>Checks each target's signing algorithm, signs in once per refresh chain and per code session.</li>
 *   <li>Warms up in short rounds until every target and grant settles, then runs alternating measured rounds.</li>
 *   <li>Writes JSON and SVG, prints the medians and API Guard's ratios, stops both servers.</li>
 * </ol>
 */
public final class SideBySide {

    static final String STOCK_RS = "stock-RS256";
    static final String STOCK_ES = "stock-ES256";
    static final String APIGUARD = "apiguard";
    /** The demo realm the API Guard server imports, measured as {@link #APIGUARD} and copied for the variants. */
    static final String DEMO_REALM = "apiguard-demo";
    /** The scope every target requests (the demo realm's for its orders API). */
    static final String SCOPE = "orders:read";
    /** The audience {@link #SCOPE} adds to a token: the client of the orders API, as in the demo realm. */
    static final String AUDIENCE = "orders-api";
    /** Registered as the demo realm registers demo-spa's: loopback without a port (RFC 8252 7.3: any port matches). */
    private static final String REGISTERED_REDIRECT_URI = "http://127.0.0.1/callback";
    /** Sent in requests: a loopback port, as a native app's local listener would have (API Guard refuses a port-less loopback request). */
    private static final String REDIRECT_URI = "http://127.0.0.1:8400/callback";
    /** Codes live 60 s (Keycloak's default and the demo's): obtain them for at most 30 s, use them within 25 s. */
    private static final Duration CODE_FETCH_LIMIT = Duration.ofSeconds(30);

    private static final int CODE_ROUND_LIMIT_SECONDS = 25;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final SSLContext tls;
    private final List<HttpClient> loadClients = new ArrayList<>();
    /** With {@code --pairing together}: each target's own clients, as targets of one server run at once. */
    private final Map<String, List<HttpClient>> targetClients = new LinkedHashMap<>();
    /** One cookie-keeping client per connection for login rounds; each login forgets the cookies first. */
    private final List<HttpClient> loginBrowsers = new ArrayList<>();

    private final Map<String, String[]> refreshChains = new LinkedHashMap<>();
    private final Map<String, List<HttpClient>> codeSessions = new LinkedHashMap<>();

    private SideBySide(Options options, SSLContext tls) {
        this.options = options;
        this.tls = tls;
        for (int i = 0; i < options.connections(); i++) {
            loadClients.add(Oidc.loadClient(tls));
            if (options.grants().contains(Grant.LOGIN)) {
                loginBrowsers.add(Oidc.browser(tls));
            }
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (RuntimeException e) {
            System.err.println("side-by-side: FAILED: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(Options options) {
        Instant startedAt = Instant.now();
        Map<String, Object> context = context(options, startedAt);
        Path stockHome = prepareHome(options, "keycloak-stock", false);
        Path apiguardHome = prepareHome(options, "keycloak-apiguard", true);
        Path runDir = options.workDir().resolve("run");
        deleteRecursively(runDir);
        ServerTls serverTls = ServerTls.create(options.javaHome(), runDir.resolve("tls"));

        String adminPassword = Oidc.randomToken(24);
        String userPassword = Oidc.randomToken(24);
        String serviceSecret = Oidc.randomToken(24);
        Map<String, String> adminEnv =
                Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", "admin", "KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        Map<String, String> apiguardEnv = new LinkedHashMap<>(adminEnv);
        apiguardEnv.put("APIGUARD_DEMO_PASSWORD", userPassword);
        apiguardEnv.put("APIGUARD_DEMO_SERVICE_SECRET", serviceSecret);
        Duration startTimeout = Duration.ofSeconds(options.startTimeoutSeconds());
        Map<String, String> stockEnv = new LinkedHashMap<>(adminEnv);
        profile(options, "stock", stockEnv);
        profile(options, "apiguard", apiguardEnv);

        say("starting stock Keycloak (" + stockHome + ")");
        try (KeycloakServer stock = KeycloakServer.start(
                "stock",
                stockHome,
                runDir.resolve("stock-data"),
                options.javaHome(),
                serverTls,
                stockEnv,
                false,
                startTimeout)) {
            say("stock Keycloak ready on " + stock.baseUrl() + " (JVM pid " + stock.jvmPid() + ")");
            say("starting API Guard (" + apiguardHome + ")");
            try (KeycloakServer apiguard = KeycloakServer.start(
                    "apiguard",
                    apiguardHome,
                    runDir.resolve("apiguard-data"),
                    options.javaHome(),
                    serverTls,
                    apiguardEnv,
                    true,
                    startTimeout)) {
                say("API Guard ready on " + apiguard.baseUrl() + " (JVM pid " + apiguard.jvmPid() + ")");
                HttpClient admin = Oidc.loadClient(serverTls.clientContext());
                String token = Oidc.adminToken(admin, stock.baseUrl(), "admin", adminPassword);
                createStockRealm(admin, stock.baseUrl(), token, "bench-rs256", false, serviceSecret, userPassword);
                createStockRealm(admin, stock.baseUrl(), token, "bench-es256", true, serviceSecret, userPassword);
                List<PlainRealm> plainRealms = PlainRealm.of(options.variants());
                for (PlainRealm plain : plainRealms) {
                    createStockRealm(
                            admin,
                            apiguard.baseUrl(),
                            Oidc.adminToken(admin, apiguard.baseUrl(), "admin", adminPassword),
                            plain.realm(),
                            plain.algorithm().equals("ES256"),
                            serviceSecret,
                            userPassword);
                    say(plain.target() + ": the stock " + plain.algorithm() + " realm (" + plain.realm()
                            + ") on the API Guard server");
                }
                awaitRealm(admin, apiguard.baseUrl(), DEMO_REALM);
                List<Variant> variants = Variant.of(options.variants());
                Map<String, String> placeholders =
                        Map.of("APIGUARD_DEMO_PASSWORD", userPassword, "APIGUARD_DEMO_SERVICE_SECRET", serviceSecret);
                String demoFile = read(options.realmConfig().resolve(DEMO_REALM + ".json"));
                for (Variant variant : variants) {
                    // A fresh admin token per realm: master's tokens live 60 s and an import can take seconds.
                    Oidc.createRealm(
                            admin,
                            apiguard.baseUrl(),
                            Oidc.adminToken(admin, apiguard.baseUrl(), "admin", adminPassword),
                            RealmCopy.of(demoFile, variant, placeholders),
                            variant.target());
                    say(variant.target() + ": " + variant.description());
                }
                String apiguardToken = Oidc.adminToken(admin, apiguard.baseUrl(), "admin", adminPassword);
                if (RateLimits.raiseOnServer(admin, apiguard.baseUrl(), apiguardToken, DEMO_REALM)) {
                    say("apiguard: the demo realm's rate limiter stays on, every limit raised to " + RateLimits.HIGH
                            + " (its cost is measured, not its refusals)");
                } else if (!variants.isEmpty()) {
                    throw new IllegalStateException("the demo realm has no rate-limit document: its copies would not"
                            + " differ from it in one setting only");
                }
                checkVariants(
                        admin,
                        apiguard.baseUrl(),
                        () -> Oidc.adminToken(admin, apiguard.baseUrl(), "admin", adminPassword),
                        variants);
                List<Target> targets = new ArrayList<>(List.of(
                        stockTarget(STOCK_RS, stock, "bench-rs256", "RS256", serviceSecret, userPassword),
                        stockTarget(STOCK_ES, stock, "bench-es256", "ES256", serviceSecret, userPassword),
                        new Target(
                                APIGUARD,
                                apiguard,
                                DEMO_REALM,
                                "ES256",
                                "demo-service",
                                serviceSecret,
                                "orders:read",
                                "demo-spa",
                                REDIRECT_URI,
                                "openid orders:read",
                                Variant.USER,
                                userPassword)));
                for (PlainRealm plain : plainRealms) {
                    targets.add(stockTarget(
                            plain.target(), apiguard, plain.realm(), plain.algorithm(), serviceSecret, userPassword));
                }
                for (Variant variant : variants) {
                    targets.add(new Target(
                            variant.target(),
                            apiguard,
                            variant.target(),
                            "ES256",
                            "demo-service",
                            serviceSecret,
                            "orders:read",
                            "demo-spa",
                            REDIRECT_URI,
                            "openid orders:read",
                            Variant.USER,
                            userPassword));
                }
                if (options.grants().contains(Grant.LOGIN)) {
                    for (Target target : targets) {
                        String targetAdminToken =
                                Oidc.adminToken(admin, target.server().baseUrl(), "admin", adminPassword);
                        for (int i = 0; i < options.connections(); i++) {
                            Oidc.cloneUser(admin, target, targetAdminToken, target.loginUsername(i));
                        }
                    }
                    say("login rounds: " + options.connections() + " users per target, one per connection (copies of"
                            + " the target's user): Keycloak refuses concurrent logins of one user when brute-force"
                            + " protection is on");
                }
                context.put("targets", describe(targets, variants));
                new SideBySide(options, serverTls.clientContext()).measure(targets, context, startedAt);
            }
        }
        say("both servers stopped");
    }

    private void measure(List<Target> targets, Map<String, Object> context, Instant startedAt) {
        for (Target target : targets) {
            Oidc.checkAccessToken(loadClients.get(0), target);
            String[] chains = new String[options.connections()];
            refreshChains.put(target.name(), chains);
            repairChains(target);
            List<HttpClient> sessions = new ArrayList<>();
            for (int i = 0; i < options.connections(); i++) {
                HttpClient browser = Oidc.browser(tls);
                Oidc.authorize(browser, target);
                sessions.add(browser);
            }
            codeSessions.put(target.name(), sessions);
            say(target + ": tokens signed with " + target.algorithm() + "; " + options.connections()
                    + " refresh chains and code sessions signed in");
        }

        List<RoundResult> warmup = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        boolean settled = false;
        for (int round = 1; round <= options.warmupMaxRounds() && !settled; round++) {
            for (Grant grant : options.grants()) {
                for (RoundResult result : rounds(targets, grant, round, options.warmupSeconds())) {
                    warmup.add(result);
                    series.computeIfAbsent(result.target() + " " + grant.id(), k -> new ArrayList<>())
                            .add(result.requestsPerSecond());
                    print("warm-up", result);
                }
            }
            settled = Settle.allSettled(series, options.settleTolerance());
        }
        say(
                settled
                        ? "warm-up settled (two consecutive rounds within " + percent(options.settleTolerance())
                                + " for every server and grant)"
                        : "WARNING: warm-up did not settle within " + options.warmupMaxRounds()
                                + " rounds: figures may still include JIT compilation");

        List<RoundResult> measured = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Grant grant : options.grants()) {
                for (RoundResult result : rounds(targets, grant, round, options.roundSeconds())) {
                    measured.add(result);
                    print("round", result);
                }
            }
        }

        Summary summary =
                Summary.of(measured, targets.stream().map(Target::name).toList(), comparisons(options, targets));
        context.put("finishedAt", Instant.now().toString());
        context.put("loadAverageAfter", firstLine(Path.of("/proc/loadavg")));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(startedAt);
        Path json = options.outDir().resolve("side-by-side-" + stamp + ".json");
        Path svg = options.outDir().resolve("side-by-side-" + stamp + ".svg");
        ResultsWriter.writeAtomically(json, ResultsWriter.json(context, warmup, settled, measured, summary));
        ResultsWriter.writeAtomically(
                svg,
                SvgChart.render(
                        summary,
                        "Keycloak " + context.get("keycloakVersion") + ": stock vs API Guard"
                                + (options.variants().isEmpty() ? "" : " and its variants") + ", "
                                + options.connections()
                                + " connections"
                                + (options.together() ? " per target, one server's targets together" : "")
                                + ", medians of " + options.rounds() + " rounds"));
        System.out.println();
        System.out.print(summary.table());
        System.out.println();
        say("results: " + json);
        say("chart:   " + svg);
    }

    /** One target's workload for a round, ready to run. */
    private record Prepared(LoadGenerator.Workload workload, Duration duration, List<HttpClient> clients) {}

    /**
     * One grant's round on every target, in the targets' order: one target after the other, or with
     * {@code --pairing together} the targets of one server at the same time (one server after the
     * other), so that the machine's drift hits the realms of one server alike.
     */
    private List<RoundResult> rounds(List<Target> targets, Grant grant, int round, int seconds) {
        Map<Object, List<Target>> groups = new LinkedHashMap<>();
        for (Target target : targets) {
            // Together: one group per server; else one group per target.
            Object key = options.together() ? target.server() : target;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(target);
        }
        List<RoundResult> results = new ArrayList<>();
        for (List<Target> group : inRoundOrder(groups.values(), round, options.together())) {
            results.addAll(measureTogether(group, grant, round, seconds));
        }
        return results;
    }

    /**
     * The order in which a round runs its groups. In turns, each round shuffles them (seeded by the
     * round, so a run can be repeated): a target that always ran after the same one would inherit its
     * background work (the database's, the audit stream's dispatcher) in every round, and the ratio
     * would carry that bias instead of spreading it as noise. Together, the servers in their order.
     */
    static <T> List<T> inRoundOrder(Collection<T> groups, int round, boolean together) {
        List<T> order = new ArrayList<>(groups);
        if (!together) {
            Collections.shuffle(order, new Random(round));
        }
        return order;
    }

    /**
     * Measures the targets, all of one server, at the same time: each with its own connections, over
     * the same seconds. The server's CPU is counted per target only when the group is one target.
     */
    private List<RoundResult> measureTogether(List<Target> group, Grant grant, int round, int seconds) {
        List<Prepared> prepared = new ArrayList<>();
        for (Target target : group) {
            prepared.add(prepare(target, grant, seconds));
        }
        KeycloakServer server = group.get(0).server();
        long cpuBefore = server.cpuMillis();
        Instant startedAt = Instant.now();
        List<LoadGenerator.Measurement> measurements = LoadGenerator.runTogether(
                prepared.stream()
                        .map(p -> new LoadGenerator.Job(p.clients(), p.workload()))
                        .toList(),
                prepared.get(0).duration());
        long cpuAfter = server.cpuMillis();
        double cpuMillis = group.size() == 1 ? cpuAfter - cpuBefore : Double.NaN;
        List<RoundResult> results = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Target target = group.get(i);
            LoadGenerator.Measurement m = measurements.get(i);
            if (grant == Grant.REFRESH) {
                repairChains(target);
            }
            if (m.firstError() != null) {
                say(target.name() + " " + grant.id() + ": " + m.errors() + " failed requests, the first: "
                        + m.firstError());
            }
            double p50 = m.requests() == 0 ? 0 : Stats.percentile(m.latenciesNanos(), 50) / 1e6;
            double p99 = m.requests() == 0 ? 0 : Stats.percentile(m.latenciesNanos(), 99) / 1e6;
            results.add(new RoundResult(
                    target.name(),
                    grant,
                    round,
                    m.requests(),
                    m.errors(),
                    m.seconds(),
                    p50,
                    p99,
                    cpuMillis,
                    startedAt));
        }
        return results;
    }

    /** The clients that send a target's requests: shared by all targets, unless they run together. */
    private List<HttpClient> clientsFor(Target target) {
        if (!options.together()) {
            return loadClients;
        }
        return targetClients.computeIfAbsent(target.name(), name -> {
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < options.connections(); i++) {
                clients.add(Oidc.loadClient(tls));
            }
            return clients;
        });
    }

    private Prepared prepare(Target target, Grant grant, int seconds) {
        LoadGenerator.Workload workload;
        Duration duration = Duration.ofSeconds(seconds);
        switch (grant) {
            case CLIENT_CREDENTIALS -> {
                HttpRequest request = Oidc.clientCredentials(target);
                workload = new LoadGenerator.Workload() {
                    @Override
                    public HttpRequest next(int worker) {
                        return request;
                    }

                    @Override
                    public boolean accept(int worker, HttpResponse<String> response) {
                        return Oidc.hasAccessToken(response);
                    }
                };
            }
            case REFRESH -> {
                String[] chains = refreshChains.get(target.name());
                workload = new LoadGenerator.Workload() {
                    @Override
                    public HttpRequest next(int worker) {
                        String token = chains[worker];
                        return token == null ? null : Oidc.refresh(target, token);
                    }

                    @Override
                    public boolean accept(int worker, HttpResponse<String> response) {
                        // Each refresh token is used once: the answer's token is the next one; a failed
                        // refresh ends this worker's chain for the round (a new session is signed in after it).
                        chains[worker] = Oidc.refreshTokenOf(response).orElse(null);
                        return chains[worker] != null;
                    }
                };
            }
            case CODE_EXCHANGE -> {
                Queue<Oidc.Code> codes = fetchCodes(target);
                duration = Duration.ofSeconds(Math.min(seconds, CODE_ROUND_LIMIT_SECONDS));
                workload = new LoadGenerator.Workload() {
                    @Override
                    public HttpRequest next(int worker) {
                        Oidc.Code code = codes.poll();
                        return code == null ? null : Oidc.codeExchange(target, code);
                    }

                    @Override
                    public boolean accept(int worker, HttpResponse<String> response) {
                        return Oidc.hasAccessToken(response);
                    }

                    @Override
                    public boolean exhausted() {
                        return codes.isEmpty();
                    }
                };
            }
            case LOGIN -> {
                HttpClient[] browsers = loginBrowsers.toArray(HttpClient[]::new);
                workload = new LoadGenerator.Workload() {
                    @Override
                    public HttpRequest next(int worker) {
                        // A new browser each time (no SSO session): the login form and the password check.
                        Oidc.forgetCookies(browsers[worker]);
                        return Oidc.authorizationRequest(target, Oidc.randomToken(32));
                    }

                    @Override
                    public HttpResponse<String> send(HttpClient browser, int worker, HttpRequest request)
                            throws IOException, InterruptedException {
                        HttpResponse<String> page =
                                browser.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                        return Oidc.submitLoginForm(browser, target, target.loginUsername(worker), page);
                    }

                    @Override
                    public boolean accept(int worker, HttpResponse<String> response) {
                        return Oidc.codeOf(target, response).isPresent();
                    }
                };
            }
            default -> throw new IllegalStateException("unknown grant " + grant);
        }
        return new Prepared(workload, duration, grant == Grant.LOGIN ? loginBrowsers : clientsFor(target));
    }

    /** Signs in a new session for every refresh chain that has none (first use, or broken by a failed refresh). */
    private void repairChains(Target target) {
        String[] chains = refreshChains.get(target.name());
        for (int i = 0; i < chains.length; i++) {
            if (chains[i] == null) {
                chains[i] = Oidc.newRefreshToken(tls, target);
            }
        }
    }

    /** Obtains up to {@code --codes} codes through the signed-in sessions, in parallel, for at most 30 s. */
    private Queue<Oidc.Code> fetchCodes(Target target) {
        Queue<Oidc.Code> codes = new ConcurrentLinkedQueue<>();
        AtomicInteger remaining = new AtomicInteger(options.codes());
        long deadline = System.nanoTime() + CODE_FETCH_LIMIT.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (HttpClient session : codeSessions.get(target.name())) {
            Thread thread = new Thread(
                    () -> {
                        try {
                            while (remaining.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                                codes.add(Oidc.authorize(session, target));
                            }
                        } catch (RuntimeException e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    },
                    "codes-" + threads.size());
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join(CODE_FETCH_LIMIT.toMillis() + Oidc.REQUEST_TIMEOUT.toMillis() * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while obtaining codes", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(
                    target.name() + ": obtaining codes failed: "
                            + failures.get(0).getMessage(),
                    failures.get(0));
        }
        return codes;
    }

    // ------------------------------------------------------------------------------------------

    /**
     * With {@code --profile}, the server runs with a JDK Flight Recorder recording (settings
     * {@code profile}, with the process's and each Java thread's CPU load every second for
     * {@link ThreadCpuSplit} and, from JDK 25 on, a sample per 10 ms of each thread's CPU time for
     * {@link ProfileSplit}) written to the results folder when it stops.
     */
    private static void profile(Options options, String server, Map<String, String> env) {
        if (!options.profiles(server)) {
            return;
        }
        Path recording = options.outDir().toAbsolutePath().resolve(server + "-" + System.currentTimeMillis() + ".jfr");
        try {
            Files.createDirectories(recording.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + recording.getParent(), e);
        }
        // From JDK 25 on, the CPU-time sampler too (ProfileSplit prefers its samples).
        String cpuTimeSamples = javaFeature(options.javaHome()) >= 25
                ? "jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=10ms,"
                : "";
        env.put(
                "JAVA_OPTS_APPEND",
                "-XX:StartFlightRecording=settings=profile,jdk.CPULoad#period=1s,jdk.ThreadCPULoad#period=1s,"
                        + cpuTimeSamples + "dumponexit=true,filename=" + recording);
        say(server + " runs with a JFR profile, written to " + recording
                + " when it stops (its figures are not for ratios)");
    }

    /**
     * A stock realm that {@code --variants server} or {@code rs256} also creates on the API Guard
     * server, as the target {@code target}: the same realm as the stock server's {@code stockTarget}.
     */
    record PlainRealm(String group, String target, String realm, String algorithm, String stockTarget) {

        /** The plain realms {@code groups} adds, ES256 first. */
        static List<PlainRealm> of(List<String> groups) {
            return Stream.of(
                            new PlainRealm(Variant.SERVER_GROUP, Variant.PLAIN_ES, "bench-es256", "ES256", STOCK_ES),
                            new PlainRealm(Variant.RS_GROUP, Variant.PLAIN_RS, "bench-rs256", "RS256", STOCK_RS))
                    .filter(plain -> groups.contains(plain.group()))
                    .toList();
        }
    }

    /** Creates a {@link #stockRealm} on {@code baseUrl}, then adds its {@link #scope()} to both clients. */
    private static void createStockRealm(
            HttpClient admin,
            String baseUrl,
            String adminToken,
            String realm,
            boolean es256,
            String serviceSecret,
            String userPassword) {
        Oidc.createRealm(admin, baseUrl, adminToken, stockRealm(realm, es256, serviceSecret, userPassword), realm);
        Oidc.addOptionalScope(admin, baseUrl, adminToken, realm, scope(), List.of("bench-service", "bench-spa"));
    }

    /** A target on a realm made by {@link #stockRealm}: its clients, user and scope are the same in every such realm. */
    private static Target stockTarget(
            String name,
            KeycloakServer server,
            String realm,
            String algorithm,
            String serviceSecret,
            String userPassword) {
        return new Target(
                name,
                server,
                realm,
                algorithm,
                "bench-service",
                serviceSecret,
                SCOPE,
                "bench-spa",
                REDIRECT_URI,
                "openid " + SCOPE,
                "bench-user",
                userPassword);
    }

    /**
     * A stock realm: Keycloak's defaults plus the clients and the user the grants need, rotation and
     * reuse detection on, and the API the tokens are for ({@value #AUDIENCE}, a client with no flow
     * of its own). Its scope, {@link #scope()}, is added after the import ({@link Oidc#addOptionalScope}):
     * client scopes in a realm's JSON replace Keycloak's default ones.
     */
    static String stockRealm(String name, boolean es256, String serviceSecret, String userPassword) {
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("revokeRefreshToken", true);
        realm.put("refreshTokenMaxReuse", 0);
        if (es256) {
            realm.put("defaultSignatureAlgorithm", "ES256");
            // As the demo realm: a P-256 key that signs, Keycloak's RSA key for opt-in clients, HMAC and AES keys.
            realm.put(
                    "components",
                    Map.of(
                            "org.keycloak.keys.KeyProvider",
                            List.of(
                                    key(
                                            "ecdsa-generated-es256",
                                            "ecdsa-generated",
                                            "200",
                                            Map.of("ecdsaEllipticCurveKey", "P-256", "ecGenerateCertificate", "true")),
                                    key(
                                            "rsa-generated",
                                            "rsa-generated",
                                            "100",
                                            Map.of("keySize", "2048", "algorithm", "RS256")),
                                    key(
                                            "hmac-generated-hs512",
                                            "hmac-generated",
                                            "100",
                                            Map.of("algorithm", "HS512", "secretSize", "64")),
                                    key("aes-generated", "aes-generated", "100", Map.of("secretSize", "16")))));
        }
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("clientId", "bench-service");
        service.put("publicClient", false);
        service.put("secret", serviceSecret);
        service.put("serviceAccountsEnabled", true);
        service.put("standardFlowEnabled", false);
        service.put("directAccessGrantsEnabled", false);
        Map<String, Object> spa = new LinkedHashMap<>();
        spa.put("clientId", "bench-spa");
        spa.put("publicClient", true);
        spa.put("standardFlowEnabled", true);
        spa.put("directAccessGrantsEnabled", false);
        spa.put("redirectUris", List.of(REGISTERED_REDIRECT_URI));
        spa.put("attributes", Map.of("pkce.code.challenge.method", "S256"));
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("clientId", AUDIENCE);
        api.put("publicClient", false);
        api.put("standardFlowEnabled", false);
        api.put("directAccessGrantsEnabled", false);
        api.put("serviceAccountsEnabled", false);
        realm.put("clients", List.of(service, spa, api));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", "bench-user");
        user.put("enabled", true);
        user.put("email", "bench-user@example.org");
        user.put("emailVerified", true);
        user.put("firstName", "Bench");
        user.put("lastName", "User");
        user.put("credentials", List.of(Map.of("type", "password", "value", userPassword, "temporary", false)));
        realm.put("users", List.of(user));
        try {
            return JSON.writeValueAsString(realm);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write realm " + name, e);
        }
    }

    /**
     * The stock realms' {@value #SCOPE}, as the demo realm's: an optional client scope of both
     * clients, in the token's {@code scope}, with an audience mapper for {@value #AUDIENCE}. Every
     * target requests it, so Keycloak's scope validation and mappers run for each alike.
     */
    static String scope() {
        Map<String, Object> mapperConfig = new LinkedHashMap<>();
        mapperConfig.put("included.client.audience", AUDIENCE);
        mapperConfig.put("access.token.claim", "true");
        mapperConfig.put("introspection.token.claim", "true");
        mapperConfig.put("id.token.claim", "false");
        mapperConfig.put("lightweight.claim", "false");
        Map<String, Object> mapper = new LinkedHashMap<>();
        mapper.put("name", "audience " + AUDIENCE);
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        mapper.put("consentRequired", false);
        mapper.put("config", mapperConfig);
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("name", SCOPE);
        scope.put("protocol", "openid-connect");
        scope.put("attributes", Map.of("include.in.token.scope", "true", "display.on.consent.screen", "true"));
        scope.put("protocolMappers", List.of(mapper));
        try {
            return JSON.writeValueAsString(scope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write client scope " + SCOPE, e);
        }
    }

    private static Map<String, Object> key(
            String name, String providerId, String priority, Map<String, String> config) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("priority", List.of(priority));
        values.put("enabled", List.of("true"));
        values.put("active", List.of("true"));
        config.forEach((k, v) -> values.put(k, List.of(v)));
        return Map.of("name", name, "providerId", providerId, "config", values);
    }

    /**
     * The ratios printed and written: API Guard over each stock target, then, with {@code --variants},
     * the ones that answer the variants' questions ({@link Variant#comparisons}).
     */
    private static List<Summary.Comparison> comparisons(Options options, List<Target> targets) {
        List<Summary.Comparison> comparisons = comparisons(options.variants());
        if (!options.together()) {
            return comparisons;
        }
        say("--pairing together: the targets share the server's cores, so a difference between them reads smaller"
                + " than in turns (ratios shrink toward 1.00x, the more targets the more): take verdicts on small goals"
                + " from a run in turns and its CPU per request (docs/benchmarks.md, Measuring together)");
        Map<String, KeycloakServer> serverOf = new LinkedHashMap<>();
        targets.forEach(target -> serverOf.put(target.name(), target.server()));
        List<Summary.Comparison> sameServer = sameServer(comparisons, serverOf);
        if (sameServer.size() < comparisons.size()) {
            say("--pairing together: ratios across the two servers are left out (their targets did not run at the"
                    + " same time): "
                    + String.join(
                            ", ",
                            comparisons.stream()
                                    .filter(c -> !sameServer.contains(c))
                                    .map(Summary.Comparison::label)
                                    .toList()));
        }
        return sameServer;
    }

    /** The comparisons whose two targets are on one server (a target not measured counts as on no server). */
    static <S> List<Summary.Comparison> sameServer(List<Summary.Comparison> comparisons, Map<String, S> serverOf) {
        return comparisons.stream()
                .filter(c ->
                        serverOf.containsKey(c.subject()) && serverOf.get(c.subject()) == serverOf.get(c.baseline()))
                .toList();
    }

    static List<Summary.Comparison> comparisons(List<String> variants) {
        List<Summary.Comparison> comparisons = new ArrayList<>();
        comparisons.add(Summary.Comparison.of(APIGUARD, STOCK_ES));
        comparisons.add(Summary.Comparison.of(APIGUARD, STOCK_RS));
        comparisons.addAll(Variant.comparisons(variants));
        return comparisons;
    }

    /**
     * Checks on the server that each variant's realm differs from the demo realm as intended: its
     * events settings are the demo's with the variant's change (and nothing else), its rate-limit
     * document is there (raised out of reach like the demo's) or, for {@link Variant#NOLIMIT}, absent.
     */
    private static void checkVariants(
            HttpClient admin, String baseUrl, Supplier<String> adminToken, List<Variant> variants) {
        if (variants.isEmpty()) {
            return;
        }
        ObjectNode demoEvents = eventsConfig(admin, baseUrl, adminToken.get(), DEMO_REALM);
        for (Variant variant : variants) {
            // A fresh admin token per realm: master's tokens live 60 s.
            String token = adminToken.get();
            ObjectNode expected = demoEvents.deepCopy();
            RealmCopy.changeEvents(expected, variant);
            ObjectNode found = eventsConfig(admin, baseUrl, token, variant.target());
            if (!normalised(found).equals(normalised(expected))) {
                throw new IllegalStateException(variant.target() + ": events settings " + normalised(found)
                        + ", expected " + normalised(expected));
            }
            boolean raised = RateLimits.raiseOnServer(admin, baseUrl, token, variant.target());
            if (raised != variant.hasRateLimits()) {
                throw new IllegalStateException(variant.target() + (raised ? " has" : " has no")
                        + " rate-limit document, expected the opposite");
            }
        }
    }

    private static ObjectNode eventsConfig(HttpClient admin, String baseUrl, String token, String realm) {
        HttpResponse<String> response = Oidc.send(
                admin,
                HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + realm + "/events/config"))
                        .timeout(Oidc.REQUEST_TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build());
        try {
            if (response.statusCode() == 200 && JSON.readTree(response.body()) instanceof ObjectNode config) {
                return config;
            }
        } catch (JsonProcessingException e) {
            // Reported below with the status.
        }
        throw new IllegalStateException(
                "reading the events settings of " + realm + " answered " + response.statusCode());
    }

    /** The events settings with the two lists as sorted sets (Keycloak does not keep their order). */
    private static ObjectNode normalised(ObjectNode config) {
        ObjectNode copy = config.deepCopy();
        for (String list : List.of("eventsListeners", "enabledEventTypes")) {
            TreeSet<String> sorted = new TreeSet<>();
            config.path(list).forEach(v -> sorted.add(v.asText()));
            ArrayNode array = copy.putArray(list);
            sorted.forEach(array::add);
        }
        return copy;
    }

    private static List<Map<String, Object>> describe(List<Target> targets, List<Variant> variants) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", t.name());
            row.put("realm", t.realm());
            variants.stream()
                    .filter(v -> v.target().equals(t.name()))
                    .findFirst()
                    .ifPresent(v -> row.put("differsFromDemoRealm", v.description()));
            PlainRealm.of(Variant.GROUPS).stream()
                    .filter(plain -> plain.target().equals(t.name()))
                    .forEach(plain -> row.put("sameRealmAs", plain.stockTarget()));
            row.put("signatureAlgorithm", t.algorithm());
            row.put("serviceClient", t.serviceClient());
            row.put("serviceScope", t.serviceScope());
            row.put("publicClient", t.publicClient());
            row.put("codeScope", t.codeScope());
            rows.add(row);
        }
        return rows;
    }

    private static void awaitRealm(HttpClient client, String baseUrl, String realm) {
        URI discovery = URI.create(baseUrl + "/realms/" + realm + "/.well-known/openid-configuration");
        Instant deadline = Instant.now().plusSeconds(60);
        while (Oidc.send(
                                client,
                                HttpRequest.newBuilder(discovery)
                                        .timeout(Oidc.REQUEST_TIMEOUT)
                                        .build())
                        .statusCode()
                != 200) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "realm " + realm + " was not imported: " + discovery + " does not answer 200");
            }
            KeycloakServer.sleep(Duration.ofSeconds(1));
        }
    }

    /** A home per server, copied once from the distribution; API Guard's gets the JAR and the realm files. */
    private static Path prepareHome(Options options, String name, boolean apiguard) {
        Path home = options.workDir().resolve(name);
        Path complete = home.resolve(".complete");
        if (!Files.exists(complete)) {
            deleteRecursively(home);
            copyRecursively(options.keycloakDist(), home);
            write(complete, "");
        }
        try {
            Path jar = home.resolve("providers/apiguard-keycloak.jar");
            if (apiguard) {
                if (!Files.exists(jar) || Files.mismatch(jar, options.providerJar()) != -1) {
                    Files.copy(options.providerJar(), jar, StandardCopyOption.REPLACE_EXISTING);
                }
                Path imports = home.resolve("data/import");
                deleteRecursively(imports);
                Files.createDirectories(imports);
                try (Stream<Path> files = Files.list(options.realmConfig())) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".json")).toList()) {
                        Files.copy(file, imports.resolve(file.getFileName()));
                    }
                }
            } else {
                Files.deleteIfExists(jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + home, e);
        }
        return home;
    }

    private static Map<String, Object> context(Options options, Instant startedAt) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("tool", "benchmarks/side-by-side");
        context.put("startedAt", startedAt.toString());
        context.put("keycloakVersion", keycloakVersion(options.keycloakDist()));
        context.put("serverJava", javaVersion(options.javaHome()));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("memory", firstLine(Path.of("/proc/meminfo")).replaceAll("\\s+", " "));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("loadAverageBefore", firstLine(Path.of("/proc/loadavg")));
        context.put("machine", machine);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("connections", options.connections());
        settings.put("rounds", options.rounds());
        settings.put("roundSeconds", options.roundSeconds());
        settings.put("warmupSeconds", options.warmupSeconds());
        settings.put("warmupMaxRounds", options.warmupMaxRounds());
        settings.put("settleTolerance", options.settleTolerance());
        settings.put("codesPerRound", options.codes());
        settings.put("grants", options.grants().stream().map(Grant::id).toList());
        settings.put("variants", options.variants());
        settings.put("pairing", options.pairing());
        settings.put(
                "server",
                "kc.sh start, HTTPS on 127.0.0.1, --db=dev-file (H2), --cache=local, Keycloak's default heap");
        settings.put("loadGenerator", "Java HttpClient, HTTP/1.1 keep-alive, one connection per thread, closed loop");
        context.put("settings", settings);
        return context;
    }

    private static String keycloakVersion(Path dist) {
        Path versionFile = dist.resolve("version.txt");
        String line = Files.exists(versionFile) ? firstLine(versionFile) : "";
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("(\\d+\\.\\d+\\.\\d+\\S*)").matcher(line);
        return matcher.find() ? matcher.group(1) : dist.getFileName().toString();
    }

    /** The servers' JDK's feature version ({@code JAVA_VERSION} of its {@code release} file); 0 when unknown. */
    static int javaFeature(Path javaHome) {
        String version = release(javaHome).getOrDefault("JAVA_VERSION", "");
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
    }

    /** The JDK's {@code release} file as names and values; empty when it has none or it cannot be read. */
    private static Map<String, String> release(Path javaHome) {
        Map<String, String> values = new LinkedHashMap<>();
        Path release = javaHome.resolve("release");
        if (!Files.exists(release)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    values.put(
                            line.substring(0, equals),
                            line.substring(equals + 1).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            values.clear();
        }
        return values;
    }

    private static String javaVersion(Path javaHome) {
        Map<String, String> values = release(javaHome);
        if (values.isEmpty()) {
            return javaHome.toString();
        }
        return values.getOrDefault("IMPLEMENTOR", "?") + " " + values.getOrDefault("JAVA_VERSION", "?") + " ("
                + javaHome + ")";
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static String firstLine(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.findFirst().orElse("").trim();
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static void print(String kind, RoundResult r) {
        say(String.format(
                "%-7s %2d  %-19s %-18s %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  CPU %6s ms/req  %d errors",
                kind,
                r.round(),
                r.grant().id(),
                r.target(),
                r.requestsPerSecond(),
                r.p50Millis(),
                r.p99Millis(),
                Summary.orDash("%.3f", r.cpuMillisPerRequest()),
                r.errors()));
    }

    private static String percent(double fraction) {
        return String.format("%.1f%%", fraction * 100);
    }

    private static void say(String message) {
        System.out.println("side-by-side: " + message);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void copyRecursively(Path from, Path to) {
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

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
