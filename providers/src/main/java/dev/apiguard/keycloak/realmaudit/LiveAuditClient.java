package dev.apiguard.keycloak.realmaudit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Fetches the live audit of a realm from {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit}.
 * The caller needs {@code view-realm} on the realm. Credentials come from the environment, never
 * from the command line (where other users of the machine could read them):
 * {@code APIGUARD_AUDIT_TOKEN} (an access token), or {@code APIGUARD_AUDIT_CLIENT_ID} and
 * {@code APIGUARD_AUDIT_CLIENT_SECRET} of a confidential client whose service account holds
 * {@code view-realm} (client credentials grant in the audited realm or {@code --auth-realm}).
 * Neither the token nor the secret is ever printed.
 */
final class LiveAuditClient {

    static final String PATH = "apiguard/v1/realm-audit";
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Why a live audit could not be fetched (no secret in the message). */
    static final class LiveAuditException extends Exception {
        LiveAuditException(String message) {
            super(message);
        }
    }

    /** A bearer token, or a client id and secret to obtain one. */
    record Credentials(String token, String clientId, String clientSecret) {

        static Credentials fromEnvironment(Function<String, String> env) {
            String token = env.apply("APIGUARD_AUDIT_TOKEN");
            if (token != null && !token.isBlank()) {
                return new Credentials(token.trim(), null, null);
            }
            String id = env.apply("APIGUARD_AUDIT_CLIENT_ID");
            String secret = env.apply("APIGUARD_AUDIT_CLIENT_SECRET");
            if (id != null && !id.isBlank() && secret != null && !secret.isEmpty()) {
                return new Credentials(null, id.trim(), secret);
            }
            throw new IllegalArgumentException(
                    "--server needs credentials in the environment: APIGUARD_AUDIT_TOKEN (an access token),"
                            + " or APIGUARD_AUDIT_CLIENT_ID and APIGUARD_AUDIT_CLIENT_SECRET (a client whose service account holds view-realm)");
        }

        @Override
        public String toString() {
            return token != null ? "Credentials[token]" : "Credentials[client " + clientId + "]";
        }
    }

    private final String server;
    private final HttpClient http;

    LiveAuditClient(String server, String cacert) throws LiveAuditException {
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new LiveAuditException("--server '" + server + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme())
                && !("http".equals(uri.getScheme()) && AuditedRealm.isLoopbackHttp(base))) {
            throw new LiveAuditException("--server '" + server
                    + "' must be https (http only on loopback): the request carries an admin token");
        }
        this.server = base;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (cacert != null) {
            builder.sslContext(trusting(Path.of(cacert)));
        }
        this.http = builder.build();
    }

    String endpoint(String realm) {
        return server + "/admin/realms/" + segment(realm) + "/" + PATH;
    }

    AuditReport audit(String realm, String authRealm, Credentials credentials) throws LiveAuditException {
        String token =
                credentials.token() != null ? credentials.token() : clientCredentialsToken(authRealm, credentials);
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint(realm)))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = send(request);
        switch (response.statusCode()) {
            case 200 -> {
                try {
                    return JSON.readValue(response.body(), AuditReport.class);
                } catch (IOException e) {
                    throw new LiveAuditException(
                            endpoint(realm) + " answered 200 with a body that is not an audit report");
                }
            }
            case 401 ->
                throw new LiveAuditException(endpoint(realm)
                        + " answered 401: the token was refused (expired, or issued by another server)");
            case 403 ->
                throw new LiveAuditException(
                        endpoint(realm) + " answered 403: the caller lacks view-realm on realm '" + realm + "'");
            case 404 ->
                throw new LiveAuditException(endpoint(realm) + " answered 404: no realm '" + realm
                        + "', or API Guard is not installed on the server");
            default -> throw new LiveAuditException(endpoint(realm) + " answered " + response.statusCode());
        }
    }

    private String clientCredentialsToken(String authRealm, Credentials credentials) throws LiveAuditException {
        String url = server + "/realms/" + segment(authRealm) + "/protocol/openid-connect/token";
        String form = "grant_type=client_credentials&client_id="
                + URLEncoder.encode(credentials.clientId(), StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(credentials.clientSecret(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            String error = "";
            try {
                JsonNode body = JSON.readTree(response.body());
                error = body.path("error").asText("");
            } catch (IOException e) {
                // Not an OAuth error body: the status code says enough.
            }
            throw new LiveAuditException(url + " refused client " + credentials.clientId() + ": "
                    + response.statusCode() + (error.isEmpty() ? "" : " " + error));
        }
        try {
            String token = JSON.readTree(response.body()).path("access_token").asText("");
            if (token.isEmpty()) {
                throw new LiveAuditException(url + " returned no access_token");
            }
            return token;
        } catch (IOException e) {
            throw new LiveAuditException(url + " returned a body that is not JSON");
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws LiveAuditException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LiveAuditException("cannot reach " + request.uri() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveAuditException("interrupted while calling " + request.uri());
        }
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext trusting(Path pem) throws LiveAuditException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("cert-" + n++, certificate);
            }
            if (n == 0) {
                throw new LiveAuditException("--cacert " + pem + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new LiveAuditException("--cacert " + pem + " cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new LiveAuditException("--cacert " + pem + " is not a PEM certificate: " + e.getMessage());
        }
    }
}
