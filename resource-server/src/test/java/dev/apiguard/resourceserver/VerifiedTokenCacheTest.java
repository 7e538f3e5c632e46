package dev.apiguard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.apiguard.resourceserver.jwks.JwksSettings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache of {@link AccessTokenValidator}: what a hit still checks (time claims, the key in the
 * JWKS, DPoP on the request), what is never a hit (a token differing by one character, a refused token), and the
 * bound on its size.
 */
class VerifiedTokenCacheTest {

    private static final String ISSUER = "https://idp.example.test/realms/test";

    /** JWKS cache of 1.5 s, so that a test sees a refresh quickly; refetch at most once a second. */
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

    private final ECKey key = Tokens.ec("k-1");

    private AccessTokenValidator validator(MutableClock clock, VerifiedTokenCacheSettings cache) {
        return AccessTokenValidator.builder()
                .issuer(ISSUER)
                .audience(Tokens.AUDIENCE)
                .staticKeys(new JWKSet(key.toPublicJWK()))
                .clock(clock)
                .verifiedTokenCache(cache)
                .build();
    }

    private static JWTClaimsSet.Builder claims(Instant now, long lifetimeSeconds) {
        return Tokens.claims(ISSUER)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)));
    }

    private static TokenRejectedException refusal(AccessTokenValidator validator, String token) {
        return catchThrowableOfType(TokenRejectedException.class, () -> validator.validate(token));
    }

    @Test
    void validateWhenSameTokenAgainThenAnsweredFromTheCache() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.DEFAULTS);
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);

        AccessToken first = validator.validate(token);
        AccessToken second = validator.validate(token);

        assertThat(second).isSameAs(first);
        assertThat(validator.cacheHits()).isEqualTo(1);
        assertThat(validator.cachedTokens()).isEqualTo(1);
    }

    @Test
    void validateWhenCacheOffThenNothingIsRemembered() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.OFF);
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);

        AccessToken first = validator.validate(token);
        AccessToken second = validator.validate(token);

        assertThat(second).isNotSameAs(first).isEqualTo(first);
        assertThat(validator.cacheHits()).isZero();
        assertThat(validator.cachedTokens()).isZero();
    }

    @Test
    void validateWhenCachedTokenExpiredSinceThenRefusedAndDropped() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.DEFAULTS);
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);
        validator.validate(token);

        clock.advance(Duration.ofSeconds(
                300 + 30)); // exp + skew (JWT times are whole seconds): still accepted, from the cache
        validator.validate(token);
        clock.advance(Duration.ofSeconds(1)); // exp + skew + 1 s
        TokenRejectedException refused = refusal(validator, token);

        assertThat(refused).isNotNull();
        assertThat(refused.rejection().error()).isEqualTo(BearerError.INVALID_TOKEN);
        assertThat(refused.rejection().description()).contains("expired");
        assertThat(validator.cacheHits())
                .as("both later presentations were hits")
                .isEqualTo(2);
        assertThat(validator.cachedTokens()).isZero();
    }

    @Test
    void validateWhenClockWentBackBeforeNbfThenCachedTokenRefused() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.DEFAULTS);
        String token = Tokens.sign(
                claims(clock.instant(), 300)
                        .notBeforeTime(Date.from(clock.instant()))
                        .build(),
                key);
        validator.validate(token);

        clock.advance(Duration.ofSeconds(-31)); // nbf is now ahead by more than the skew
        TokenRejectedException refused = refusal(validator, token);

        assertThat(refused).isNotNull();
        assertThat(refused.rejection().description()).contains("not valid before");
        assertThat(validator.cachedTokens()).isZero();
    }

    @Test
    void validateWhenRefusedThenNeverCached() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.DEFAULTS);
        String expired =
                Tokens.sign(claims(clock.instant().minusSeconds(600), 300).build(), key);
        String otherAudience =
                Tokens.sign(claims(clock.instant(), 300).audience("another-api").build(), key);

        for (int i = 0; i < 3; i++) {
            assertThat(refusal(validator, expired)).isNotNull();
            assertThat(refusal(validator, otherAudience)).isNotNull();
        }

        assertThat(validator.cachedTokens()).isZero();
        assertThat(validator.cacheHits()).isZero();
    }

    @Test
    void validateWhenTokenDiffersByOneCharacterThenNeverAHit() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, VerifiedTokenCacheSettings.DEFAULTS);
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);
        validator.validate(token);
        int lastOfHeader = token.indexOf('.') - 1;
        int lastOfPayload = token.lastIndexOf('.') - 1;
        int lastOfSignature = token.length() - 1;

        int refused = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String variant = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            long hitsBefore = validator.cacheHits();
            boolean rejected = refusal(validator, variant) != null;

            assertThat(validator.cacheHits())
                    .as("variant at %d is not a hit", i)
                    .isEqualTo(hitsBefore);
            if (i != lastOfHeader && i != lastOfPayload && i != lastOfSignature) {
                // The last character of a base64url segment may carry only padding bits, so the variant can be the
                // same bytes, validly signed; any other change alters the signed bytes or the signature.
                assertThat(rejected).as("variant at %d is refused", i).isTrue();
            }
            refused += rejected ? 1 : 0;
        }

        assertThat(refused).isGreaterThanOrEqualTo(token.length() - 3);
        long hitsBefore = validator.cacheHits();
        validator.validate(token);
        assertThat(validator.cacheHits()).isEqualTo(hitsBefore + 1);
    }

    @Test
    void validateWhenKeyRemovedFromJwksThenCachedTokenRefusedAfterTheRefresh() throws Exception {
        ECKey signing = Tokens.ec("k-1");
        ECKey other = Tokens.ec("k-2");
        try (TestIssuer issuer = new TestIssuer(signing, other);
                AccessTokenValidator validator = AccessTokenValidator.builder()
                        .issuer(issuer.issuer())
                        .audience(Tokens.AUDIENCE)
                        .jwks(SHORT)
                        .build()) {
            String token = Tokens.sign(Tokens.claims(issuer.issuer()).build(), signing);
            validator.validate(token);
            validator.validate(token);
            assertThat(validator.cacheHits()).isEqualTo(1);

            issuer.withdraw("k-1");
            Thread.sleep(2000); // the JWKS cache (1.5 s) expires; the next lookup refetches
            TokenRejectedException refused = refusal(validator, token);

            assertThat(refused).isNotNull();
            assertThat(refused.rejection().error()).isEqualTo(BearerError.INVALID_TOKEN);
            assertThat(refused.rejection().description()).contains("k-1");
            assertThat(validator.cachedTokens()).isZero();
            assertThat(refusal(validator, token)).as("and stays refused").isNotNull();
        }
    }

    @Test
    void validateWhenKeyReplacedUnderTheSameKidThenCachedTokenRefusedAfterTheRefresh() throws Exception {
        ECKey signing = Tokens.ec("k-1");
        ECKey impostor = Tokens.ec("k-1");
        try (TestIssuer issuer = new TestIssuer(signing);
                AccessTokenValidator validator = AccessTokenValidator.builder()
                        .issuer(issuer.issuer())
                        .audience(Tokens.AUDIENCE)
                        .jwks(SHORT)
                        .build()) {
            String token = Tokens.sign(Tokens.claims(issuer.issuer()).build(), signing);
            validator.validate(token);

            issuer.withdraw("k-1");
            issuer.publish(impostor);
            Thread.sleep(2000);
            TokenRejectedException refused = refusal(validator, token);

            assertThat(refused).isNotNull();
            assertThat(refused.rejection().description()).contains("signature does not verify");
            assertThat(validator.cachedTokens()).isZero();
        }
    }

    @Test
    void authenticateWhenCachedDpopBoundTokenThenTheProofIsCheckedOnEveryRequest() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ECKey holder = Tokens.ec("holder");
        ECKey thief = Tokens.ec("thief");
        ResourceServer server = ResourceServer.builder()
                .validator(validator(clock, VerifiedTokenCacheSettings.DEFAULTS))
                .resource(URI.create("https://api.example.test"))
                .build();
        String token = Tokens.sign(
                claims(clock.instant(), 300)
                        .claim("cnf", Map.of("jkt", DpopProofs.jkt(holder)))
                        .build(),
                key);
        String htu = TestRequest.ORDERS.toString();
        String proof =
                DpopProofs.proof(holder, DpopProofs.claims("GET", htu, token).build());

        server.authenticate(dpop(token, proof));
        BearerError replayed = errorOf(server, dpop(token, proof));
        BearerError noProof = errorOf(server, TestRequest.get().header("Authorization", "DPoP " + token));
        BearerError thiefProof = errorOf(
                server,
                dpop(
                        token,
                        DpopProofs.proof(
                                thief, DpopProofs.claims("GET", htu, token).build())));
        BearerError asBearer = errorOf(server, TestRequest.bearer(token));
        AccessToken fresh = server.authenticate(dpop(
                token,
                DpopProofs.proof(holder, DpopProofs.claims("GET", htu, token).build())));

        assertThat(replayed).isEqualTo(BearerError.INVALID_DPOP_PROOF);
        assertThat(noProof).isEqualTo(BearerError.INVALID_DPOP_PROOF);
        assertThat(thiefProof).isEqualTo(BearerError.INVALID_DPOP_PROOF);
        assertThat(asBearer).isEqualTo(BearerError.INVALID_TOKEN);
        assertThat(fresh.jkt()).isEqualTo(DpopProofs.jkt(holder));
        assertThat(server.validator().cacheHits())
                .as("every later request was a cache hit")
                .isEqualTo(5);
    }

    @Test
    void authorizeWhenCachedTokenThenScopesStillCheckedPerOperation() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ResourceServer server = ResourceServer.builder()
                .validator(validator(clock, VerifiedTokenCacheSettings.DEFAULTS))
                .resource(URI.create("https://api.example.test"))
                .build();
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);
        server.authorize(server.authenticate(TestRequest.bearer(token)), Requirement.scopes("orders:read"));

        AccessToken cached = server.authenticate(TestRequest.bearer(token));
        TokenRejectedException refused = catchThrowableOfType(
                TokenRejectedException.class, () -> server.authorize(cached, Requirement.scopes("orders:admin")));

        assertThat(server.validator().cacheHits()).isEqualTo(1);
        assertThat(refused.rejection().error()).isEqualTo(BearerError.INSUFFICIENT_SCOPE);
    }

    @Test
    void validateWhenMoreDistinctTokensThanMaxEntriesThenTheBoundHolds() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, new VerifiedTokenCacheSettings(8, Duration.ofMinutes(10)));

        // The cache has 8 stripes of one entry, and a token's stripe follows its hash: the cache is full once every
        // stripe got a token. 400 distinct tokens leave a stripe empty with a probability of 8 * (7/8)^400, below
        // 1e-22 (50 tokens left one empty about once in a hundred runs).
        for (int i = 0; i < 400; i++) {
            validator.validate(Tokens.sign(claims(clock.instant(), 300).build(), key));
            assertThat(validator.cachedTokens()).isLessThanOrEqualTo(8);
        }

        assertThat(validator.cachedTokens()).isEqualTo(8);
    }

    @Test
    void validateWhenFullThenTheLeastRecentlyUsedTokenIsDropped() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, new VerifiedTokenCacheSettings(1, Duration.ofMinutes(10)));
        String a = Tokens.sign(claims(clock.instant(), 300).build(), key);
        String b = Tokens.sign(claims(clock.instant(), 300).build(), key);

        validator.validate(a);
        validator.validate(b);
        validator.validate(b);
        long hitsAfterB = validator.cacheHits();
        validator.validate(a);

        assertThat(hitsAfterB).isEqualTo(1);
        assertThat(validator.cacheHits()).as("a was dropped for b").isEqualTo(1);
        assertThat(validator.cachedTokens()).isEqualTo(1);
    }

    @Test
    void validateWhenEntryOlderThanMaxEntryAgeThenValidatedFromScratch() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, new VerifiedTokenCacheSettings(10, Duration.ofSeconds(60)));
        String token = Tokens.sign(claims(clock.instant(), 300).build(), key);
        AccessToken first = validator.validate(token);

        clock.advance(Duration.ofSeconds(61));
        AccessToken second = validator.validate(token);
        AccessToken third = validator.validate(token);

        assertThat(second).as("a new validation, not the old entry").isNotSameAs(first);
        assertThat(third).as("remembered again").isSameAs(second);
    }

    @Test
    void validateWhenManyThreadsShareTheCacheThenEveryTokenValidatesAndTheBoundHolds() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AccessTokenValidator validator = validator(clock, new VerifiedTokenCacheSettings(16, Duration.ofMinutes(10)));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tokens.add(Tokens.sign(
                    claims(clock.instant(), 300).subject("user-" + i).build(), key));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 400; i++) {
                        int n = (i * 7 + offset) % tokens.size();
                        if (validator.validate(tokens.get(n)).subject().equals("user-" + n)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(400);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(validator.cachedTokens()).isLessThanOrEqualTo(16);
        assertThat(validator.cacheHits()).isPositive();
    }

    private static TestRequest dpop(String token, String proof) {
        return TestRequest.get().header("Authorization", "DPoP " + token).header("DPoP", proof);
    }

    private static BearerError errorOf(ResourceServer server, HttpRequestView request) {
        TokenRejectedException e =
                catchThrowableOfType(TokenRejectedException.class, () -> server.authenticate(request));
        return e == null ? null : e.rejection().error();
    }
}
