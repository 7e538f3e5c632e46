package dev.apiguard.resourceserver.jwks;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches the JWKS over HTTP(S) with bounded timeouts and size, and remembers the {@code max-age} of the last
 * successful answer so that the cache can use it as the lifetime of what it just fetched. Counts fetches
 * (every attempt, failed or not) for tests and monitoring.
 */
final class MaxAgeResourceRetriever implements ResourceRetriever {

    private final JwksSettings settings;
    private final AtomicLong fetches = new AtomicLong();
    private volatile Long lastMaxAgeSeconds;

    private final javax.net.ssl.SSLSocketFactory ssl;

    MaxAgeResourceRetriever(JwksSettings settings, javax.net.ssl.SSLSocketFactory ssl) {
        this.settings = settings;
        this.ssl = ssl;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        fetches.incrementAndGet();
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        if (ssl != null && connection instanceof javax.net.ssl.HttpsURLConnection https) {
            https.setSSLSocketFactory(ssl);
        }
        try {
            connection.setConnectTimeout((int) settings.connectTimeout().toMillis());
            connection.setReadTimeout((int) settings.readTimeout().toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/jwk-set+json, application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("JWKS endpoint " + url + " answered HTTP " + status + ", expected 200");
            }
            String content = read(connection.getInputStream(), url);
            Long maxAge = CacheControl.maxAgeSeconds(connection.getHeaderField("Cache-Control"));
            lastMaxAgeSeconds = maxAge;
            return new Resource(content, connection.getContentType());
        } finally {
            connection.disconnect();
        }
    }

    private String read(InputStream in, URL url) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > settings.sizeLimitBytes()) {
                    throw new IOException(
                            "JWKS at " + url + " exceeds the size limit of " + settings.sizeLimitBytes() + " bytes");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** {@code max-age} of the last successful answer, {@code null} when it had none. */
    Long lastMaxAgeSeconds() {
        return lastMaxAgeSeconds;
    }

    long fetches() {
        return fetches.get();
    }
}
