package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The OAuth and admin requests the benchmark sends. Error messages carry the status and Keycloak's
 * OAuth error, never a token, code, password or secret.
 */
final class Oidc {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOGIN_ACTION = Pattern.compile("action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
    private static final Pattern REFRESH_TOKEN = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ALG = Pattern.compile("\"alg\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern OAUTH_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]+)\"");

    /** A single-use authorization code and the PKCE verifier of its request. */
    record Code(String code, String verifier) {}

    private Oidc() {}

    /** A client without cookies for the measured requests: HTTP/1.1, keep-alive, one connection per client when used by one thread. */
    static HttpClient loadClient(SSLContext tls) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A client with its own cookie jar: one browser, one SSO session. */
    static HttpClient browser(SSLContext tls) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static HttpRequest clientCredentials(Target target) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", target.serviceClient());
        form.put("client_secret", target.serviceSecret());
        if (!target.serviceScope().isEmpty()) {
            form.put("scope", target.serviceScope());
        }
        return post(target.tokenUrl(), form);
    }

    static HttpRequest refresh(Target target, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", target.publicClient());
        form.put("refresh_token", refreshToken);
        return post(target.tokenUrl(), form);
    }

    static HttpRequest codeExchange(Target target, Code code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", target.publicClient());
        form.put("code", code.code());
        form.put("redirect_uri", target.redirectUri());
        form.put("code_verifier", code.verifier());
        return post(target.tokenUrl(), form);
    }

    /**
     * An authorization code for {@code target}'s public client: with the browser's SSO cookie
     * Keycloak answers the authorization request at once; without one it shows the login form,
     * which this fills in with the target's user.
     */
    static Code authorize(HttpClient browser, Target target) {
        String verifier = randomToken(32);
        HttpResponse<String> answer;
        try {
            answer = signIn(browser, target, target.username(), verifier);
        } catch (IOException e) {
            throw new UncheckedIOException(target.name() + ": the authorization request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String code = codeOf(target, answer)
                .orElseThrow(
                        () -> new IllegalStateException(target.name() + ": the authorization request ended with status "
                                + answer.statusCode() + " instead of a redirect with a code to " + target.redirectUri()
                                + " (a page without a login form, a required action or an error page?)"));
        return new Code(code, verifier);
    }

    /**
     * The browser's authorization request for {@code target}'s public client with PKCE S256 (the
     * challenge of {@code verifier}) and, when Keycloak shows the login form, the form posted with
     * {@code username} and the target's password ({@link #submitLoginForm}): the last answer, a
     * redirect with a code when all went well.
     */
    static HttpResponse<String> signIn(HttpClient browser, Target target, String username, String verifier)
            throws IOException, InterruptedException {
        HttpResponse<String> response = browser.send(
                authorizationRequest(target, verifier), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return submitLoginForm(browser, target, username, response);
    }

    /** A GET of {@code target}'s authorization endpoint for its public client, PKCE S256 with {@code verifier}. */
    static HttpRequest authorizationRequest(Target target, String verifier) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", target.publicClient());
        query.put("redirect_uri", target.redirectUri());
        query.put("scope", target.codeScope());
        query.put("state", randomToken(16));
        query.put("nonce", randomToken(16));
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        return HttpRequest.newBuilder(URI.create(target.authUrl() + "?" + encode(query)))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
    }

    /**
     * When {@code page} (the answer to an authorization request) is Keycloak's login form, posts it
     * with {@code username} and the target's password and returns the answer; any other answer (a
     * redirect, a page without a login form) is returned as it came.
     */
    static HttpResponse<String> submitLoginForm(
            HttpClient browser, Target target, String username, HttpResponse<String> page)
            throws IOException, InterruptedException {
        if (page.statusCode() != 200) {
            return page;
        }
        Matcher action = LOGIN_ACTION.matcher(page.body());
        if (!action.find()) {
            return page;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", username);
        form.put("password", target.password());
        form.put("credentialId", "");
        return browser.send(
                post(action.group(1).replace("&amp;", "&"), form),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Makes {@code browser} a new browser: its cookies are forgotten, so Keycloak has no SSO
     * session for it and shows the login form (a login round calls it before each login).
     */
    static void forgetCookies(HttpClient browser) {
        browser.cookieHandler()
                .filter(CookieManager.class::isInstance)
                .map(CookieManager.class::cast)
                .orElseThrow(() -> new IllegalArgumentException("a login needs a browser client with cookies"))
                .getCookieStore()
                .removeAll();
    }

    /** The code of a redirect to {@code target}'s redirect URI, or empty. */
    static Optional<String> codeOf(Target target, HttpResponse<String> response) {
        if (response.statusCode() != 302 && response.statusCode() != 303) {
            return Optional.empty();
        }
        return response.headers()
                .firstValue("Location")
                .filter(location -> location.startsWith(target.redirectUri()))
                .flatMap(location -> queryParameter(location, "code"));
    }

    /** The refresh token of a fresh session: signs in with a new browser and exchanges the code. */
    static String newRefreshToken(SSLContext tls, Target target) {
        HttpClient browser = browser(tls);
        HttpResponse<String> response = send(browser, codeExchange(target, authorize(browser, target)));
        return refreshTokenOf(response)
                .orElseThrow(() -> new IllegalStateException(target.name() + ": the code exchange answered "
                        + response.statusCode() + " " + oauthError(response.body()) + " without a refresh token"));
    }

    /**
     * Checks that one client-credentials grant succeeds and its access token is signed with the
     * target's algorithm and carries every scope the target requests with client credentials (so
     * equivalent targets do equivalent work).
     */
    static void checkAccessToken(HttpClient client, Target target) {
        HttpResponse<String> response = send(client, clientCredentials(target));
        Matcher token = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException(target.name() + ": client credentials answered " + response.statusCode()
                    + " " + oauthError(response.body()));
        }
        String[] parts = token.group(1).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        Matcher alg = ALG.matcher(header);
        String found = alg.find() ? alg.group(1) : "none";
        if (!found.equals(target.algorithm())) {
            throw new IllegalStateException(
                    target.name() + ": access tokens are signed with " + found + ", expected " + target.algorithm());
        }
        JsonNode claims;
        try {
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException(target.name() + ": the access token's payload is not JSON", e);
        }
        List<String> granted = List.of(claims.path("scope").asText("").split(" "));
        for (String scope : target.serviceScope().split(" ")) {
            if (!scope.isEmpty() && !granted.contains(scope)) {
                throw new IllegalStateException(target.name() + ": the access token lacks the requested scope " + scope
                        + " (granted: " + granted + ")");
            }
        }
    }

    static Optional<String> refreshTokenOf(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        Matcher matcher = REFRESH_TOKEN.matcher(response.body());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static boolean hasAccessToken(HttpResponse<String> response) {
        return response.statusCode() == 200 && response.body().contains("\"access_token\"");
    }

    /** The OAuth error code of an error answer, e.g. {@code invalid_grant}, or {@code (no OAuth error)}. */
    static String oauthError(String body) {
        Matcher matcher = OAUTH_ERROR.matcher(body == null ? "" : body);
        return matcher.find() ? matcher.group(1) : "(no OAuth error)";
    }

    /** A master-realm admin access token (password grant of {@code admin-cli}). */
    static String adminToken(HttpClient client, String baseUrl, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "admin-cli");
        form.put("username", username);
        form.put("password", password);
        HttpResponse<String> response =
                send(client, post(baseUrl + "/realms/master/protocol/openid-connect/token", form));
        Matcher token = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException(
                    "admin sign-in answered " + response.statusCode() + " " + oauthError(response.body()));
        }
        return token.group(1);
    }

    /**
     * Creates {@code username} in {@code target}'s realm as a copy of the target's user: the same
     * first and last name, attributes, realm roles and groups, its own e-mail address
     * ({@code username@example.org}, verified) and {@code target}'s password, no required action.
     */
    static void cloneUser(HttpClient client, Target target, String adminToken, String username) {
        String users = target.server().baseUrl() + "/admin/realms/" + target.realm() + "/users";
        JsonNode found = adminJson(
                client,
                adminToken,
                users + "?exact=true&username=" + URLEncoder.encode(target.username(), StandardCharsets.UTF_8));
        if (found.size() != 1) {
            throw new IllegalStateException(target.name() + ": user " + target.username() + " not found");
        }
        JsonNode source = found.get(0);
        ObjectNode user = JSON.createObjectNode();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@example.org");
        user.put("emailVerified", true);
        for (String field : new String[] {"firstName", "lastName", "attributes"}) {
            if (source.hasNonNull(field)) {
                user.set(field, source.get(field));
            }
        }
        ObjectNode password = user.putArray("credentials").addObject();
        password.put("type", "password");
        password.put("value", target.password());
        password.put("temporary", false);
        String id = createdId(
                send(client, adminRequest(adminToken, users).POST(json(user)).build()),
                "/users/",
                target.name() + ": creating user " + username);
        String sourceUrl = users + "/" + source.path("id").asText();
        JsonNode roles = adminJson(client, adminToken, sourceUrl + "/role-mappings/realm");
        expect(
                send(
                        client,
                        adminRequest(adminToken, users + "/" + id + "/role-mappings/realm")
                                .POST(json(roles))
                                .build()),
                204,
                target.name() + ": giving " + username + " the realm roles of " + target.username());
        for (JsonNode group : adminJson(client, adminToken, sourceUrl + "/groups")) {
            expect(
                    send(
                            client,
                            adminRequest(
                                            adminToken,
                                            users + "/" + id + "/groups/"
                                                    + group.path("id").asText())
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .build()),
                    204,
                    target.name() + ": adding " + username + " to the groups of " + target.username());
        }
    }

    /** The id of what a {@code 201} admin answer created, from its {@code Location} (under {@code collection}). */
    private static String createdId(HttpResponse<String> created, String collection, String what) {
        String location = created.headers().firstValue("Location").orElse("");
        if (created.statusCode() != 201 || !location.contains(collection)) {
            throw new IllegalStateException(what + " answered " + created.statusCode() + ": "
                    + created.body().substring(0, Math.min(300, created.body().length())));
        }
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static JsonNode adminJson(HttpClient client, String adminToken, String url) {
        HttpResponse<String> response =
                send(client, adminRequest(adminToken, url).GET().build());
        try {
            if (response.statusCode() == 200) {
                return JSON.readTree(response.body());
            }
        } catch (JsonProcessingException e) {
            // Reported below with the status.
        }
        throw new IllegalStateException("GET " + URI.create(url).getPath() + " answered " + response.statusCode());
    }

    private static HttpRequest.Builder adminRequest(String adminToken, String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json");
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + " answered " + response.statusCode());
        }
    }

    /**
     * Creates the client scope {@code scopeJson} in {@code realm} and makes it an optional client
     * scope of each of {@code clientIds} (admin REST API).
     */
    static void addOptionalScope(
            HttpClient client,
            String baseUrl,
            String adminToken,
            String realm,
            String scopeJson,
            List<String> clientIds) {
        String realmUrl = baseUrl + "/admin/realms/" + realm;
        String scopeId = createdId(
                send(
                        client,
                        adminRequest(adminToken, realmUrl + "/client-scopes")
                                .POST(HttpRequest.BodyPublishers.ofString(scopeJson, StandardCharsets.UTF_8))
                                .build()),
                "/client-scopes/",
                "creating a client scope in realm " + realm);
        for (String clientId : clientIds) {
            JsonNode found = adminJson(
                    client,
                    adminToken,
                    realmUrl + "/clients?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
            if (found.size() != 1) {
                throw new IllegalStateException("client " + clientId + " not found in realm " + realm);
            }
            expect(
                    send(
                            client,
                            adminRequest(
                                            adminToken,
                                            realmUrl + "/clients/"
                                                    + found.get(0).path("id").asText() + "/optional-client-scopes/"
                                                    + scopeId)
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .build()),
                    204,
                    "making the client scope optional for " + clientId + " in realm " + realm);
        }
    }

    /** Creates a realm from its JSON representation through the admin REST API. */
    static void createRealm(HttpClient client, String baseUrl, String adminToken, String realmJson, String realm) {
        HttpResponse<String> response = send(
                client,
                HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + adminToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(realmJson, StandardCharsets.UTF_8))
                        .build());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating realm " + realm + " answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(300, response.body().length())));
        }
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    request.method() + " " + request.uri().getPath() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static HttpRequest post(String url, Map<String, String> form) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form), StandardCharsets.UTF_8))
                .build();
    }

    static String encode(Map<String, String> parameters) {
        StringJoiner joined = new StringJoiner("&");
        parameters.forEach((name, value) -> joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    static Optional<String> queryParameter(String url, String name) {
        int question = url.indexOf('?');
        if (question < 0) {
            return Optional.empty();
        }
        for (String pair : url.substring(question + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** RFC 7636: BASE64URL(SHA-256(ASCII(verifier))). */
    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String randomToken(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
