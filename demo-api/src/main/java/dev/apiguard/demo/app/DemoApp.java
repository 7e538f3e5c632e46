package dev.apiguard.demo.app;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * The demo's browser app as a backend-for-frontend (BFF) for the public client {@code demo-spa}, on a loopback
 * listener {@code http://127.0.0.1:<port>}:
 *
 * <ul>
 *   <li>{@code GET /login} sends the browser to an authorization request (code, PKCE S256, {@code state},
 *       {@code nonce}); after an RFC 9470 challenge from the API ({@code /login?step_up=true}) with the challenge's
 *       {@code acr_values}, {@code max_age} and scope;</li>
 *   <li>{@code GET /callback} checks {@code state} and {@code iss} (RFC 9207), redeems the code server to server,
 *       checks the ID token's {@code iss}, {@code aud}, {@code exp} and {@code nonce}, keeps the tokens in a
 *       server-side session and gives the browser a new session id (an {@code HttpOnly} cookie);</li>
 *   <li>{@code /bff/orders} forwards to the orders API with the session's access token and passes its answer on;
 *       a step-up challenge is kept in the session and answered {@code 401} with {@code step_up};</li>
 *   <li>{@code POST /logout} ends the session and answers Keycloak's end-session URL.</li>
 * </ul>
 *
 * <p>Tokens never reach the browser. Requests that change state must come from the app's own origin
 * ({@code Origin} header; cross-site requests are refused 403). The ID token is received directly from the token
 * endpoint over TLS with the issuer's certificate, which OpenID Connect Core §3.1.3.7 accepts in place of checking
 * its signature; the access token is the API's business (the app reads only the token response's {@code scope}).
 */
public final class DemoApp implements AutoCloseable {

    public static final String CLIENT_ID = "demo-spa";
    /** Scopes of a sign-in; {@code orders:admin} is asked for only when the API's challenge names it. */
    public static final String SIGN_IN_SCOPE = "openid orders:read orders:write";

    static final String COOKIE = "apiguard_demo_app";
    private static final Set<String> KNOWN_SCOPES = Set.of("orders:read", "orders:write", "orders:admin");
    private static final Pattern ACR = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern ORDER_ID = Pattern.compile("[0-9]{1,18}");
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final int MAX_BODY = 4096;
    private static final int MAX_UPSTREAM_BODY = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param port        loopback port of the app, 0 for any free one
     * @param issuer      the realm's issuer
     * @param api         the orders API's base URL
     * @param issuerTrust trust for the issuer's and the API's certificate, {@code null} for the JVM default
     */
    public record Settings(int port, String issuer, URI api, SSLContext issuerTrust) {}

    private record Endpoints(URI authorization, URI token, URI endSession) {}

    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http;
    private final AppSessions sessions;
    private final Clock clock = Clock.systemUTC();
    private final String origin;
    private volatile Endpoints endpoints;

    private DemoApp(Settings settings) throws IOException {
        this.settings = settings;
        this.sessions = new AppSessions(clock);
        HttpClient.Builder client =
                HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        if (settings.issuerTrust() != null) {
            client.sslContext(settings.issuerTrust());
        }
        this.http = client.build();
        // Loopback only: the redirect URI is a loopback URI (RFC 8252 §7.3), plain HTTP never leaves the machine.
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-app");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public static DemoApp start(Settings settings) throws IOException {
        return new DemoApp(settings);
    }

    /** The app's URL, e.g. {@code http://127.0.0.1:8445/}. */
    public String url() {
        return origin + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private String redirectUri() {
        return origin + "/callback";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                dispatch(exchange);
            } catch (RuntimeException e) {
                // Never a stack trace to the browser; the log names the kind of failure, no request data.
                System.err.println("demo-app: " + e.getClass().getSimpleName() + " on " + exchange.getRequestMethod());
                sendJson(exchange, 500, error("server_error", "the demo app failed; see its log"));
            }
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        Pages.secureHeaders(exchange);
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD") && !sameOrigin(exchange)) {
            sendJson(exchange, 403, error("invalid_request", "cross-origin request refused"));
            return;
        }
        switch (path) {
            case "/", "/index.html" -> onlyGet(exchange, () -> Pages.send(exchange, "index.html"));
            case "/app.js" -> onlyGet(exchange, () -> Pages.send(exchange, "app.js"));
            case "/app.css" -> onlyGet(exchange, () -> Pages.send(exchange, "app.css"));
            case "/login" -> onlyGet(exchange, () -> login(exchange));
            case "/callback" -> onlyGet(exchange, () -> callback(exchange));
            case "/logout" -> {
                if (method.equals("POST")) {
                    logout(exchange);
                } else {
                    sendJson(exchange, 405, error("invalid_request", "use POST"));
                }
            }
            case "/bff/session" -> onlyGet(exchange, () -> sessionInfo(exchange));
            default -> {
                if (path.equals("/bff/orders") || path.startsWith("/bff/orders/")) {
                    orders(exchange, method, path.substring("/bff/orders".length()));
                } else {
                    sendJson(exchange, 404, error("not_found", "no such page"));
                }
            }
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void onlyGet(HttpExchange exchange, Action action) throws IOException {
        if (exchange.getRequestMethod().equals("GET")) {
            action.run();
        } else {
            sendJson(exchange, 405, error("invalid_request", "use GET"));
        }
    }

    private boolean sameOrigin(HttpExchange exchange) {
        String fetchSite = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin")) {
            return false;
        }
        return origin.equals(exchange.getRequestHeaders().getFirst("Origin"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sign-in: authorization code with PKCE, server side
    // ---------------------------------------------------------------------------------------------------------------

    private void login(HttpExchange exchange) throws IOException {
        Optional<AppSessions.Session> existing = session(exchange);
        AppSessions.Session session;
        if (existing.isPresent()) {
            session = existing.get();
        } else {
            Optional<AppSessions.Session> created = sessions.create();
            if (created.isEmpty()) {
                sendJson(exchange, 503, error("temporarily_unavailable", "too many sessions, try again later"));
                return;
            }
            session = created.get();
            setCookie(exchange, session.id());
        }
        Map<String, String> query = query(exchange);
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(SIGN_IN_SCOPE.split(" ")));
        Map<String, String> request = new LinkedHashMap<>();
        AppSessions.StepUp stepUp = session.stepUp();
        if ("true".equals(query.get("step_up")) && stepUp != null) {
            scopes.addAll(stepUp.scopes());
            if (stepUp.acrValues() != null) {
                request.put("acr_values", stepUp.acrValues());
            }
            if (stepUp.maxAge() != null) {
                request.put("max_age", stepUp.maxAge());
            }
        }
        String verifier = AppSessions.randomToken();
        AppSessions.Pending pending = new AppSessions.Pending(
                AppSessions.randomToken(), AppSessions.randomToken(), verifier, clock.instant());
        session.pending(pending);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", CLIENT_ID);
        parameters.put("redirect_uri", redirectUri());
        parameters.put("scope", String.join(" ", scopes));
        parameters.put("state", pending.state());
        parameters.put("nonce", pending.nonce());
        parameters.put("code_challenge", challenge(verifier));
        parameters.put("code_challenge_method", "S256");
        parameters.putAll(request);
        Endpoints endpoints;
        try {
            endpoints = endpoints();
        } catch (IOException e) {
            sendJson(exchange, 502, error("temporarily_unavailable", "cannot reach the authorization server"));
            return;
        }
        redirect(exchange, endpoints.authorization() + "?" + form(parameters));
    }

    private void callback(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange);
        Optional<AppSessions.Session> found = session(exchange);
        AppSessions.Pending pending = found.map(AppSessions.Session::pending).orElse(null);
        String state = query.get("state");
        if (pending == null
                || state == null
                || !MessageDigest.isEqual(
                        state.getBytes(StandardCharsets.UTF_8), pending.state().getBytes(StandardCharsets.UTF_8))
                || pending.startedAt().plus(AppSessions.PENDING_LIFETIME).isBefore(clock.instant())) {
            redirect(exchange, "/?error=invalid_state");
            return;
        }
        AppSessions.Session session = found.get();
        session.pending(null); // one use
        if (!settings.issuer().equals(query.get("iss"))) {
            // RFC 9207: the answer must come from the issuer this request was sent to (mix-up defence).
            redirect(exchange, "/?error=invalid_issuer");
            return;
        }
        String failure = query.get("error");
        if (failure != null || query.get("code") == null) {
            redirect(
                    exchange,
                    "/?error="
                            + (failure != null && ERROR_CODE.matcher(failure).matches() ? failure : "invalid_request"));
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", query.get("code"));
        form.put("redirect_uri", redirectUri());
        form.put("client_id", CLIENT_ID);
        form.put("code_verifier", pending.verifier());
        Map<String, Object> tokens;
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(endpoints().token())
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(form(form)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                redirect(exchange, "/?error=token_request_failed");
                return;
            }
            tokens = JSONObjectUtils.parse(answer.body());
        } catch (IOException | ParseException e) {
            redirect(exchange, "/?error=token_request_failed");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            redirect(exchange, "/?error=token_request_failed");
            return;
        }
        AppSessions.SignedIn signedIn = signedIn(tokens, pending.nonce());
        if (signedIn == null) {
            redirect(exchange, "/?error=invalid_id_token");
            return;
        }
        session.signedIn(signedIn);
        session.stepUp(null);
        AppSessions.Session renewed = sessions.renew(session);
        setCookie(exchange, renewed.id());
        redirect(exchange, "/");
    }

    /** The signed-in user from a token response, or {@code null} when its ID token fails a check. */
    private AppSessions.SignedIn signedIn(Map<String, Object> tokens, String nonce) {
        if (!(tokens.get("access_token") instanceof String accessToken)
                || !(tokens.get("id_token") instanceof String idToken)
                || !(tokens.get("token_type") instanceof String type)
                || !type.equalsIgnoreCase("Bearer")) {
            return null;
        }
        JWTClaimsSet claims;
        try {
            claims = JWTParser.parse(idToken).getJWTClaimsSet();
        } catch (ParseException e) {
            return null;
        }
        Instant now = clock.instant();
        if (!settings.issuer().equals(claims.getIssuer())
                || claims.getAudience() == null
                || !claims.getAudience().contains(CLIENT_ID)
                || claims.getExpirationTime() == null
                || claims.getExpirationTime().toInstant().isBefore(now)) {
            return null;
        }
        Object tokenNonce = claims.getClaim("nonce");
        if (!(tokenNonce instanceof String value)
                || !MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        Object username = claims.getClaim("preferred_username");
        Object acr = claims.getClaim("acr");
        Set<String> scopes = tokens.get("scope") instanceof String scope
                ? new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +")))
                : Set.of();
        long expiresIn = tokens.get("expires_in") instanceof Number n ? n.longValue() : 60;
        return new AppSessions.SignedIn(
                accessToken,
                idToken,
                username instanceof String u ? u : claims.getSubject(),
                acr instanceof String a ? a : null,
                Set.copyOf(scopes),
                now.plusSeconds(expiresIn));
    }

    private void logout(HttpExchange exchange) throws IOException {
        Optional<AppSessions.Session> found = session(exchange);
        AppSessions.SignedIn signedIn = found.map(AppSessions.Session::signedIn).orElse(null);
        found.ifPresent(sessions::remove);
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        String location = "/";
        if (signedIn != null) {
            try {
                Map<String, String> parameters = new LinkedHashMap<>();
                parameters.put("id_token_hint", signedIn.idToken());
                parameters.put("post_logout_redirect_uri", origin + "/");
                location = endpoints().endSession() + "?" + form(parameters);
            } catch (IOException e) {
                location = "/";
            }
        }
        sendJson(exchange, 200, JSONObjectUtils.toJSONString(Map.of("location", location)));
    }

    private void sessionInfo(HttpExchange exchange) throws IOException {
        AppSessions.SignedIn signedIn =
                session(exchange).map(AppSessions.Session::signedIn).orElse(null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signed_in", signedIn != null);
        if (signedIn != null) {
            body.put("username", signedIn.username());
            body.put("acr", signedIn.acr());
            body.put("scopes", List.copyOf(signedIn.scopes()));
        }
        sendJson(exchange, 200, JSONObjectUtils.toJSONString(body));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The orders API, called with the session's token
    // ---------------------------------------------------------------------------------------------------------------

    private void orders(HttpExchange exchange, String method, String rest) throws IOException {
        HttpRequest.Builder request;
        URI target;
        if (rest.isEmpty() && method.equals("GET")) {
            target = settings.api().resolve("/api/orders");
            request = HttpRequest.newBuilder(target).GET();
        } else if (rest.isEmpty() && method.equals("POST")) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                sendJson(exchange, 413, error("invalid_request", "the body is larger than " + MAX_BODY + " bytes"));
                return;
            }
            target = settings.api().resolve("/api/orders");
            request = HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        } else if (rest.startsWith("/")
                && method.equals("DELETE")
                && ORDER_ID.matcher(rest.substring(1)).matches()) {
            target = settings.api().resolve("/api/orders/" + rest.substring(1));
            request = HttpRequest.newBuilder(target).DELETE();
        } else {
            sendJson(exchange, 404, error("not_found", "no such operation"));
            return;
        }
        Optional<AppSessions.Session> session = session(exchange);
        AppSessions.SignedIn signedIn =
                session.map(AppSessions.Session::signedIn).orElse(null);
        if (signedIn == null) {
            sendJson(exchange, 401, loginNeeded("login_required", "sign in first", "/login"));
            return;
        }
        if (!signedIn.accessTokenExpiresAt().isAfter(clock.instant())) {
            session.get().signedIn(null);
            sendJson(exchange, 401, loginNeeded("invalid_token", "the session has ended: sign in again", "/login"));
            return;
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(
                    request.timeout(TIMEOUT)
                            .header("Authorization", "Bearer " + signedIn.accessToken())
                            .header("Accept", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            sendJson(exchange, 502, error("temporarily_unavailable", "cannot reach the orders API"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(exchange, 502, error("temporarily_unavailable", "cannot reach the orders API"));
            return;
        }
        int status = answer.statusCode();
        Map<String, String> challenge = Challenges.bearer(answer.headers().allValues("WWW-Authenticate"))
                .orElse(Map.of());
        if (status == 401 && "insufficient_user_authentication".equals(challenge.get("error"))) {
            AppSessions.StepUp stepUp = stepUp(challenge);
            if (stepUp == null) {
                sendJson(exchange, 401, error("invalid_request", "the API's step-up challenge cannot be followed"));
                return;
            }
            session.get().stepUp(stepUp);
            sendJson(
                    exchange,
                    401,
                    loginNeeded(
                            "insufficient_user_authentication",
                            "the API asks for a fresh sign-in with " + describe(stepUp),
                            "/login?step_up=true"));
            return;
        }
        if (status == 401) {
            session.get().signedIn(null);
            sendJson(exchange, 401, loginNeeded("invalid_token", "the session has ended: sign in again", "/login"));
            return;
        }
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] body = answer.body();
        if (body.length > MAX_UPSTREAM_BODY || !isJson(answer)) {
            sendJson(exchange, 502, error("temporarily_unavailable", "the orders API gave an unexpected answer"));
            return;
        }
        if (status == 403 && challenge.containsKey("scope")) {
            // The API's body plus the scope its challenge names, for the app to show.
            try {
                Map<String, Object> json = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
                json.put("scope", challenge.get("scope"));
                sendJson(exchange, 403, JSONObjectUtils.toJSONString(json));
                return;
            } catch (ParseException e) {
                sendJson(exchange, 502, error("temporarily_unavailable", "the orders API gave an unexpected answer"));
                return;
            }
        }
        send(exchange, status, "application/json", body);
    }

    /** The challenge as a step-up request, or {@code null} when a value is not one this app can follow. */
    private static AppSessions.StepUp stepUp(Map<String, String> challenge) {
        String acrValues = challenge.get("acr_values");
        String maxAge = challenge.get("max_age");
        if (acrValues != null
                && !Arrays.stream(acrValues.split(" "))
                        .allMatch(v -> ACR.matcher(v).matches())) {
            return null;
        }
        if (maxAge != null && !maxAge.matches("[0-9]{1,6}")) {
            return null;
        }
        Set<String> scopes = new LinkedHashSet<>();
        if (challenge.get("scope") != null) {
            for (String scope : challenge.get("scope").split(" ")) {
                if (!KNOWN_SCOPES.contains(scope)) {
                    return null;
                }
                scopes.add(scope);
            }
        }
        if (acrValues == null && maxAge == null) {
            return null;
        }
        return new AppSessions.StepUp(acrValues, maxAge, Set.copyOf(scopes));
    }

    private static String describe(AppSessions.StepUp stepUp) {
        StringBuilder text = new StringBuilder();
        if (stepUp.acrValues() != null) {
            text.append("acr_values=").append(stepUp.acrValues());
        }
        if (stepUp.maxAge() != null) {
            text.append(text.isEmpty() ? "" : ", ").append("max_age=").append(stepUp.maxAge());
        }
        if (!stepUp.scopes().isEmpty()) {
            text.append(", scope=").append(String.join(" ", stepUp.scopes()));
        }
        return text.toString();
    }

    private static boolean isJson(HttpResponse<?> answer) {
        return answer.headers()
                .firstValue("Content-Type")
                .map(v -> v.toLowerCase(Locale.ROOT).startsWith("application/json"))
                .orElse(false);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    private Endpoints endpoints() throws IOException {
        Endpoints known = endpoints;
        if (known != null) {
            return known;
        }
        URI discovery = URI.create(settings.issuer() + "/.well-known/openid-configuration");
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(discovery).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("discovery answered HTTP " + answer.statusCode());
            }
            Map<String, Object> metadata = JSONObjectUtils.parse(answer.body());
            if (!settings.issuer().equals(metadata.get("issuer"))) {
                throw new IOException("discovery names another issuer");
            }
            known = new Endpoints(
                    https(metadata, "authorization_endpoint"),
                    https(metadata, "token_endpoint"),
                    https(metadata, "end_session_endpoint"));
        } catch (ParseException e) {
            throw new IOException("discovery is not JSON", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        endpoints = known;
        return known;
    }

    private static URI https(Map<String, Object> metadata, String name) throws IOException {
        if (!(metadata.get(name) instanceof String value) || !value.startsWith("https://")) {
            throw new IOException("discovery has no https " + name);
        }
        return URI.create(value);
    }

    private Optional<AppSessions.Session> session(HttpExchange exchange) {
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        if (cookies == null) {
            return Optional.empty();
        }
        for (String header : cookies) {
            for (String cookie : header.split(";")) {
                String trimmed = cookie.trim();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return sessions.find(trimmed.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    private static void setCookie(HttpExchange exchange, String id) {
        // SameSite=Lax: the callback is a top-level navigation from the authorization server. Not Secure: the app is
        // served over loopback HTTP (RFC 8252 §7.3); the cookie never leaves the machine.
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Lax");
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.length() > 8192) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                // A repeated parameter is ambiguous: the first one counts, as in Keycloak.
                query.putIfAbsent(
                        URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // A malformed escape: the parameter is ignored, the request then fails its own checks.
            }
        }
        return query;
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    private static String error(String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return JSONObjectUtils.toJSONString(body);
    }

    private static String loginNeeded(String code, String description, String login) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        body.put(code.equals("insufficient_user_authentication") ? "step_up" : "login", login);
        return JSONObjectUtils.toJSONString(body);
    }

    static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
