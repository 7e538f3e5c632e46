package dev.apiguard.resourceserver.jwks;

import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.concurrent.ExecutorService;

/**
 * nimbus's refresh-ahead cache whose lifetime for each fetched JWK set is the {@code max-age} of the answer
 * that carried it, bounded by {@link JwksSettings}. nimbus reads {@link #getTimeToLive()} each time it stores
 * a set, so the lifetime follows the server's advertisement from one fetch to the next.
 */
final class MaxAgeCachingJWKSetSource extends RefreshAheadCachingJWKSetSource<SecurityContext> {

    private final JwksSettings settings;
    private final MaxAgeResourceRetriever retriever;

    MaxAgeCachingJWKSetSource(
            JWKSetSource<SecurityContext> source,
            JwksSettings settings,
            MaxAgeResourceRetriever retriever,
            ExecutorService executor) {
        super(
                source,
                settings.minTimeToLive().toMillis(),
                settings.refreshTimeout().toMillis(),
                settings.refreshAhead().toMillis(),
                executor,
                true,
                null,
                null,
                false);
        this.settings = settings;
        this.retriever = retriever;
    }

    @Override
    public long getTimeToLive() {
        return settings.timeToLiveFor(retriever.lastMaxAgeSeconds()).toMillis();
    }
}
