package dev.apiguard.demo;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.apiguard.demo.app.DemoApp;
import dev.apiguard.resourceserver.AccessToken;
import dev.apiguard.resourceserver.AccessTokenValidator;
import dev.apiguard.resourceserver.HttpRequestView;
import dev.apiguard.resourceserver.Operations;
import dev.apiguard.resourceserver.RequestGuard;
import dev.apiguard.resourceserver.Requirement;
import dev.apiguard.resourceserver.ResourceServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The demo orders API:
 *
 * <ul>
 *   <li>{@code GET /api/orders}: scope {@code orders:read};</li>
 *   <li>{@code POST /api/orders} with {@code {"item": "...", "quantity": n}}: scope {@code orders:write}, answers 201
 *       with the order and its {@code id};</li>
 *   <li>{@code DELETE /api/orders/{id}}: scope {@code orders:admin} and acr {@code mfa} within 300 s (RFC 9470);</li>
 *   <li>{@code GET /.well-known/oauth-protected-resource}: RFC 9728 metadata.</li>
 * </ul>
 *
 * <p>Bad input is a 400 with {@code {"error":"invalid_request","error_description":...}}, never a 5xx.
 */
public final class OrdersApi implements AutoCloseable {

    public static final String AUDIENCE = "orders-api";
    public static final Duration ADMIN_MAX_AGE = Duration.ofSeconds(300);
    private static final int MAX_BODY = 4096;

    /**
     * @param host          address to listen on
     * @param port          port, 0 for any free one
     * @param publicBaseUrl the API's base URL as clients call it (resource identifier, DPoP htu)
     * @param issuer        the realm's issuer
     * @param serverTls     TLS for the API itself, {@code null} for plain HTTP (tests only)
     * @param issuerTrust   trust for the issuer's certificate, {@code null} for the JVM default
     */
    public record Settings(
            String host, int port, URI publicBaseUrl, String issuer, SSLContext serverTls, SSLContext issuerTrust) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestGuard guard;
    private final OrderStore store = new OrderStore();

    private OrdersApi(Settings settings) throws IOException {
        AccessTokenValidator.Builder validator =
                AccessTokenValidator.builder().issuer(settings.issuer()).audience(AUDIENCE);
        if (settings.issuerTrust() != null) {
            validator.sslSocketFactory(settings.issuerTrust().getSocketFactory());
        }
        ResourceServer resourceServer = ResourceServer.builder()
                .validator(validator.build())
                .resource(settings.publicBaseUrl())
                .realm("orders")
                .resourceName("API Guard demo orders API")
                .scopesSupported("orders:read", "orders:write", "orders:admin")
                .build();
        Operations operations = Operations.builder()
                .rule("GET", "/api/orders", Requirement.scopes("orders:read"))
                .rule("POST", "/api/orders", Requirement.scopes("orders:write"))
                .rule(
                        "DELETE",
                        "/api/orders/{id}",
                        Requirement.scopes("orders:admin").withAcr(ADMIN_MAX_AGE, "mfa"))
                .build();
        this.guard = new RequestGuard(resourceServer, operations);
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        if (settings.serverTls() != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(settings.serverTls()));
            this.server = https;
        } else {
            this.server = HttpServer.create(address, 64);
        }
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "orders-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/", exchange -> handle(exchange, settings.publicBaseUrl()));
        server.createContext(resourceServer.metadataPath(), exchange -> {
            try (exchange) {
                send(exchange, 200, resourceServer.metadataJson());
            }
        });
        server.start();
    }

    public static OrdersApi start(Settings settings) throws IOException {
        return new OrdersApi(settings);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange, URI base) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            RequestGuard.Outcome outcome = guard.check(view(exchange, base), path);
            if (!outcome.allowed()) {
                outcome.challenges().forEach(c -> exchange.getResponseHeaders().add("WWW-Authenticate", c));
                send(exchange, outcome.rejection().status(), RequestGuard.errorBody(outcome.rejection()));
                return;
            }
            AccessToken token = outcome.token();
            String method = exchange.getRequestMethod();
            if (path.equals("/api/orders") && method.equals("GET")) {
                send(
                        exchange,
                        200,
                        JSONObjectUtils.toJSONString(Map.of(
                                "orders",
                                store.all().stream().map(OrderStore.Order::json).toList())));
            } else if (path.equals("/api/orders") && method.equals("POST")) {
                create(exchange, token);
            } else if (path.startsWith("/api/orders/") && method.equals("DELETE")) {
                delete(exchange, path.substring("/api/orders/".length()));
            } else {
                send(exchange, 404, error("not_found", "no such operation"));
            }
        }
    }

    private void create(HttpExchange exchange, AccessToken token) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            send(exchange, 415, error("invalid_request", "Content-Type must be application/json"));
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            send(exchange, 413, error("invalid_request", "the body is larger than " + MAX_BODY + " bytes"));
            return;
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            send(exchange, 400, error("invalid_request", "the body must be a JSON object"));
            return;
        }
        Object item = json.get("item");
        Object quantity = json.get("quantity");
        if (!(item instanceof String name) || name.isBlank() || name.length() > 100) {
            send(exchange, 400, error("invalid_request", "item must be a non-blank string of at most 100 characters"));
            return;
        }
        if (!(quantity instanceof Number n)
                || n.doubleValue() != Math.rint(n.doubleValue())
                || n.intValue() < 1
                || n.intValue() > 1000) {
            send(exchange, 400, error("invalid_request", "quantity must be a whole number between 1 and 1000"));
            return;
        }
        OrderStore.Order order = store.create(name.strip(), n.intValue(), token.subject());
        if (order == null) {
            send(
                    exchange,
                    409,
                    error("invalid_request", "the demo holds at most " + OrderStore.MAX_ORDERS + " orders"));
            return;
        }
        exchange.getResponseHeaders().set("Location", "/api/orders/" + order.id());
        send(exchange, 201, JSONObjectUtils.toJSONString(order.json()));
    }

    private void delete(HttpExchange exchange, String id) throws IOException {
        long value;
        try {
            value = Long.parseLong(id);
        } catch (NumberFormatException e) {
            send(exchange, 400, error("invalid_request", "the order id must be a number"));
            return;
        }
        if (!store.delete(value)) {
            send(exchange, 404, error("not_found", "no order " + value));
            return;
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private static HttpRequestView view(HttpExchange exchange, URI base) {
        return new HttpRequestView() {
            @Override
            public String method() {
                return exchange.getRequestMethod();
            }

            @Override
            public URI uri() {
                // The configured public base, not the Host header: the client cannot choose what htu is compared with.
                return URI.create(base.getScheme() + "://" + base.getRawAuthority()
                        + exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                                ? ""
                                : "?" + exchange.getRequestURI().getRawQuery()));
            }

            @Override
            public List<String> headers(String name) {
                List<String> values = exchange.getRequestHeaders().get(name);
                return values == null ? List.of() : values;
            }
        };
    }

    private static String error(String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return JSONObjectUtils.toJSONString(body);
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        guard.server().validator().close();
    }

    /** TLS from a PKCS12 key store (the one {@code ./apiguard dev} makes for Keycloak). */
    public static SSLContext serverTls(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A TLS context that trusts exactly the PEM certificate at {@code certificate}. */
    public static SSLContext trusting(Path certificate) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry(
                    "issuer", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * Runs the API from the environment: {@code APIGUARD_API_PORT} [8444], {@code APIGUARD_HOST} [127.0.0.1],
     * {@code APIGUARD_HOSTNAME} [localhost], {@code APIGUARD_ISSUER} (required), {@code APIGUARD_TLS_KEYSTORE} and
     * {@code APIGUARD_TLS_KEYSTORE_PASSWORD} (required), {@code APIGUARD_TLS_CERT} (the issuer's certificate, required),
     * {@code APIGUARD_APP_PORT} [8445]: the browser app on {@code http://127.0.0.1:<port>/} ({@link DemoApp}).
     */
    public static void main(String[] args) throws Exception {
        int port = port("APIGUARD_API_PORT", "8444");
        int appPort = port("APIGUARD_APP_PORT", "8445");
        String host = env("APIGUARD_HOST", "127.0.0.1");
        String hostname = env("APIGUARD_HOSTNAME", "localhost");
        String issuer = required("APIGUARD_ISSUER");
        Path keyStore = Path.of(required("APIGUARD_TLS_KEYSTORE"));
        char[] password = required("APIGUARD_TLS_KEYSTORE_PASSWORD").toCharArray();
        Path certificate = Path.of(required("APIGUARD_TLS_CERT"));
        URI base = URI.create("https://" + hostname + ":" + port);
        try {
            SSLContext trust = trusting(certificate);
            OrdersApi api = start(new Settings(host, port, base, issuer, serverTls(keyStore, password), trust));
            System.out.println("orders-api: serving " + base + "/api/orders (issuer " + issuer + ")");
            DemoApp app = DemoApp.start(new DemoApp.Settings(appPort, issuer, base, trust));
            System.out.println("orders-api: browser app on " + app.url());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                api.close();
            }));
            Thread.currentThread().join();
        } catch (IOException | GeneralSecurityException | IllegalStateException e) {
            fail(e.getMessage());
        }
    }

    private static int port(String name, String fallback) {
        String text = env(name, fallback);
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            fail(name + " must be a port number between 1 and 65535, got '" + text + "'");
        }
        return port;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            fail(name + " is required");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("orders-api: ERROR: " + message);
        System.exit(1);
    }
}
