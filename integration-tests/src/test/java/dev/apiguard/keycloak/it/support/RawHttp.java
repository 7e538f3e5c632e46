package dev.apiguard.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Requests exactly as written, for hostile-input tests: raw bytes as body (invalid UTF-8 too),
 * any content type, paths sent without normalisation, redirects not followed. HTTPS trusts only
 * the server's certificate.
 */
public final class RawHttp {

    private final HttpClient client;

    public RawHttp(ServerEndpoint server) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(server.trustStore());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            this.client = HttpClient.newBuilder()
                    .sslContext(tls)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the server's certificate", e);
        }
    }

    /** One answer: status, content type and body as text. */
    public record Answer(int status, String contentType, String body) {}

    /**
     * Sends {@code method} to {@code url} with {@code body} (may be {@code null}) and the given
     * headers (name, value, name, value...).
     */
    public Answer send(String method, String url, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("request " + method + " " + abbreviate(url) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A form body ({@code application/x-www-form-urlencoded}) of these fields, in order. */
    public static byte[] form(Map<String, String> fields) {
        StringJoiner joiner = new StringJoiner("&");
        fields.forEach((name, value) -> joiner.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joiner.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String url) {
        return url.length() <= 200 ? url : url.substring(0, 200) + "...";
    }
}
