package dev.apiguard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import dev.apiguard.resourceserver.jwks.JwksSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Key rotation, JWKS outage and unknown-kid storms against a JWKS served on loopback. Tests that need the
 * cache to expire use short lifetimes (seconds) so they run quickly; the logic is the same at the defaults.
 */
class JwksBehaviourTest {

    /** Cache lifetimes short enough for a test: 1.5 s default and minimum, refetch at most once a second. */
    private static final JwksSettings SHORT = new JwksSettings(
            Duration.ofMillis(1500),
            Duration.ofMillis(1500),
            Duration.ofHours(1),
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            256 * 1024);

    private static AccessTokenValidator validator(TestIssuer issuer, JwksSettings settings) {
        return AccessTokenValidator.builder()
                .issuer(issuer.issuer())
                .audience(Tokens.AUDIENCE)
                .jwks(settings)
                .build();
    }

    @Test
    void rotationWhenNewKeyWasPrePublishedThenItsTokensValidateWithoutAFetch() throws Exception {
        ECKey active = Tokens.ec("k-1");
        ECKey next = Tokens.ec("k-2");
        try (TestIssuer issuer = new TestIssuer(active, next);
                AccessTokenValidator validator = validator(issuer, JwksSettings.DEFAULTS)) {
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), active));
            int fetchesBefore = issuer.jwksRequests();

            // The issuer activates the pre-published key: every token from now on is signed by k-2.
            for (int i = 0; i < 100; i++) {
                AccessToken token = validator.validate(
                        Tokens.sign(Tokens.claims(issuer.issuer()).build(), next));
                assertThat(token.subject()).isEqualTo("user-1");
            }

            assertThat(issuer.jwksRequests()).isEqualTo(fetchesBefore).isEqualTo(1);
        }
    }

    @Test
    void rotationWhenNewKeyWasNotPrePublishedThenOneRefetchFindsIt() throws Exception {
        ECKey active = Tokens.ec("k-1");
        ECKey surprise = Tokens.ec("k-3");
        try (TestIssuer issuer = new TestIssuer(active);
                AccessTokenValidator validator = validator(issuer, JwksSettings.DEFAULTS)) {
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), active));
            issuer.publish(surprise);

            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), surprise));
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), surprise));

            assertThat(issuer.jwksRequests()).isEqualTo(2);
        }
    }

    @Test
    void outageWhenJwksEndpointFailsAfterCacheExpiryThenCachedKeysKeepValidating() throws Exception {
        ECKey key = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(key);
                AccessTokenValidator validator = validator(issuer, SHORT)) {
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            issuer.down(true);

            Thread.sleep(2000);
            for (int i = 0; i < 20; i++) {
                assertThat(validator
                                .validate(Tokens.sign(
                                        Tokens.claims(issuer.issuer()).build(), key))
                                .subject())
                        .isEqualTo("user-1");
            }

            assertThat(issuer.jwksRequests())
                    .as("the expired cache was refreshed, and the refresh failed")
                    .isGreaterThan(1);
        }
    }

    @Test
    void outageWhenToleranceIsOffThenExpiredKeysAreNotUsed() throws Exception {
        JwksSettings noTolerance = new JwksSettings(
                SHORT.defaultTimeToLive(),
                SHORT.minTimeToLive(),
                SHORT.maxTimeToLive(),
                SHORT.refreshAhead(),
                SHORT.refreshTimeout(),
                SHORT.rateLimitInterval(),
                Duration.ZERO,
                SHORT.connectTimeout(),
                SHORT.readTimeout(),
                SHORT.sizeLimitBytes());
        ECKey key = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(key);
                AccessTokenValidator validator = validator(issuer, noTolerance)) {
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            issuer.down(true);
            Thread.sleep(2000);

            assertThatThrownBy(() -> validator.validate(
                            Tokens.sign(Tokens.claims(issuer.issuer()).build(), key)))
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.rejection().error()).isEqualTo(BearerError.INVALID_TOKEN));
        }
    }

    @Test
    void stormWhenThousandConcurrentRequestsCarryUnknownKidsThenAtMostOneFetch() throws Exception {
        ECKey key = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(key);
                AccessTokenValidator validator = validator(issuer, JwksSettings.DEFAULTS)) {
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            int before = issuer.jwksRequests();
            List<String> tokens = new ArrayList<>();
            ECKey attacker = Tokens.ec("x");
            for (int i = 0; i < 1000; i++) {
                tokens.add(Tokens.sign(
                        Tokens.header(com.nimbusds.jose.JWSAlgorithm.ES256, "unknown-" + i)
                                .build(),
                        Tokens.claims(issuer.issuer()).build(),
                        attacker));
            }

            int refused = storm(validator, tokens);
            int afterFirstStorm = issuer.jwksRequests();
            int refusedAgain = storm(validator, tokens);

            assertThat(refused).isEqualTo(1000);
            assertThat(refusedAgain).isEqualTo(1000);
            assertThat(afterFirstStorm - before)
                    .as("fetches caused by the first storm")
                    .isLessThanOrEqualTo(1);
            assertThat(issuer.jwksRequests())
                    .as("fetches caused by both storms, within 30 s")
                    .isEqualTo(afterFirstStorm);
            // Known keys keep working during and after the storm.
            assertThat(validator
                            .validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key))
                            .subject())
                    .isEqualTo("user-1");
        }
    }

    private static int storm(AccessTokenValidator validator, List<String> tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (String token : tokens) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        validator.validate(token);
                        return false;
                    } catch (TokenRejectedException e) {
                        return e.rejection().error() == BearerError.INVALID_TOKEN;
                    }
                }));
            }
            start.countDown();
            int refused = 0;
            for (Future<Boolean> result : results) {
                if (result.get(60, TimeUnit.SECONDS)) {
                    refused++;
                }
            }
            return refused;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cacheWhenJwksAnswersMaxAgeThenKeysAreRefetchedAfterIt() throws Exception {
        ECKey key = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(key);
                AccessTokenValidator validator = validator(issuer, SHORT)) {
            issuer.cacheControl("public, max-age=4");
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));

            // Wide margins on both sides: a busy CI machine may stall a thread for a second.
            Thread.sleep(2000);
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            int withinMaxAge = issuer.jwksRequests();
            Thread.sleep(2500);
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            // A refresh may run in the background: wait for it, up to 5 s.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (issuer.jwksRequests() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            assertThat(withinMaxAge)
                    .as("2 s: past the 1.5 s default, within max-age=4")
                    .isEqualTo(1);
            assertThat(issuer.jwksRequests()).as("4.5 s: past max-age").isEqualTo(2);
        }
    }

    @Test
    void cacheWhenJwksAnswersNoCacheThenTheDefaultLifetimeApplies() throws Exception {
        ECKey key = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(key);
                AccessTokenValidator validator = validator(issuer, JwksSettings.DEFAULTS)) {
            issuer.cacheControl("no-cache");
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));
            validator.validate(Tokens.sign(Tokens.claims(issuer.issuer()).build(), key));

            assertThat(issuer.jwksRequests()).isEqualTo(1);
        }
    }

    @Test
    void buildWhenDiscoveryNamesAnotherIssuerThenRefused() throws Exception {
        try (TestIssuer issuer = new TestIssuer(Tokens.ec("k-1"))) {
            issuer.advertiseIssuer(issuer.issuer() + "/");

            assertThatThrownBy(() -> validator(issuer, JwksSettings.DEFAULTS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expected exactly");
        }
    }
}
