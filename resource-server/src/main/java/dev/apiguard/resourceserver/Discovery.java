package dev.apiguard.resourceserver;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;

/**
 * Reads the issuer's OpenID Provider metadata ({@code /.well-known/openid-configuration}) once, when a
 * validator is built. Its {@code issuer} must equal the configured issuer character for character (OpenID
 * Connect Discovery §4.3: no normalisation, a trailing slash makes a different issuer).
 */
record Discovery(String issuer, URI jwksUri) {

    private static final int SIZE_LIMIT = 256 * 1024;

    static Discovery fetch(String issuer, Duration timeout, javax.net.ssl.SSLSocketFactory ssl) {
        URI location = URI.create(issuer + "/.well-known/openid-configuration");
        Map<String, Object> metadata;
        try {
            metadata = JSONObjectUtils.parse(get(location, timeout, ssl));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException(
                    "cannot read the discovery document at " + location + ": " + e.getMessage(), e);
        }
        Object advertised = metadata.get("issuer");
        if (!issuer.equals(advertised)) {
            throw new IllegalStateException("the discovery document at " + location + " names issuer '" + advertised
                    + "', expected exactly '" + issuer + "'");
        }
        Object jwks = metadata.get("jwks_uri");
        if (!(jwks instanceof String jwksUri) || !(jwksUri.startsWith("https://") || jwksUri.startsWith("http://"))) {
            throw new IllegalStateException(
                    "the discovery document at " + location + " has no http(s) jwks_uri, got '" + jwks + "'");
        }
        return new Discovery(issuer, URI.create(jwksUri));
    }

    private static String get(URI location, Duration timeout, javax.net.ssl.SSLSocketFactory ssl) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) location.toURL().openConnection();
        if (ssl != null && connection instanceof javax.net.ssl.HttpsURLConnection https) {
            https.setSSLSocketFactory(ssl);
        }
        try {
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status + ", expected 200");
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] body = in.readNBytes(SIZE_LIMIT + 1);
                if (body.length > SIZE_LIMIT) {
                    throw new IOException("larger than " + SIZE_LIMIT + " bytes");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }
}
