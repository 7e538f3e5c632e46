package dev.apiguard.resourceserver.jwks;

import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The issuer's JWKS as a nimbus {@link JWKSource}, assembled the way {@code JWKSourceBuilder} does (URL source,
 * retrying, outage tolerance, rate limit, refresh-ahead cache) with two changes: the cache lifetime follows the
 * answer's {@code Cache-Control: max-age}, and the background refresh runs on a daemon thread this object owns.
 *
 * <p>What the chain guarantees: requests for a {@code kid} already cached never fetch; a {@code kid} not in
 * the cache causes a refetch, and concurrent requests wait for the same one (the cache loads under a lock and
 * compares the set it held); after one refetch for an unknown {@code kid} further refetches wait
 * {@link JwksSettings#rateLimitInterval()}; when the endpoint fails, the last fetched keys keep validating for
 * {@link JwksSettings#outageTolerance()}.
 */
public final class RemoteJwks implements AutoCloseable {

    private final URI jwksUri;
    private final MaxAgeResourceRetriever retriever;
    private final ExecutorService refresher;
    private final JWKSetBasedJWKSource<SecurityContext> source;

    public RemoteJwks(URI jwksUri, JwksSettings settings) {
        this(jwksUri, settings, null);
    }

    /** @param ssl the TLS socket factory for an https JWKS (a private CA), or {@code null} for the JVM default */
    public RemoteJwks(URI jwksUri, JwksSettings settings, javax.net.ssl.SSLSocketFactory ssl) {
        this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(settings, "settings");
        String scheme = jwksUri.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("jwksUri must be an http(s) URI, got " + jwksUri);
        }
        this.retriever = new MaxAgeResourceRetriever(settings, ssl);
        this.refresher = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "apiguard-jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
        JWKSetSource<SecurityContext> chain;
        try {
            chain = new URLBasedJWKSetSource<>(jwksUri.toURL(), retriever);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("jwksUri is not a valid URL: " + jwksUri, e);
        }
        chain = new RetryingJWKSetSource<>(chain, null);
        if (!settings.outageTolerance().isZero()) {
            chain = new OutageTolerantJWKSetSource<>(
                    chain, settings.outageTolerance().toMillis(), null);
        }
        chain = new RateLimitedJWKSetSource<>(
                chain, settings.rateLimitInterval().toMillis(), null);
        chain = new MaxAgeCachingJWKSetSource(chain, settings, retriever, refresher);
        this.source = new JWKSetBasedJWKSource<>(chain);
    }

    public JWKSource<SecurityContext> source() {
        return source;
    }

    public URI uri() {
        return jwksUri;
    }

    /** How many times the JWKS endpoint was called (attempts, failed ones included). */
    public long fetchCount() {
        return retriever.fetches();
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException e) {
            // Closing only stops the refresh thread; nothing to recover.
        }
        refresher.shutdownNow();
    }
}
