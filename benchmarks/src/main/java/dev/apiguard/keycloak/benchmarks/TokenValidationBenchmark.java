package dev.apiguard.keycloak.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.apiguard.resourceserver.AccessToken;
import dev.apiguard.resourceserver.AccessTokenValidator;
import dev.apiguard.resourceserver.TokenRejectedException;
import dev.apiguard.resourceserver.VerifiedTokenCacheSettings;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Validation of ES256 access tokens whose key is already cached: apiguard-resource-server's
 * {@link AccessTokenValidator} next to Spring Security's {@link NimbusJwtDecoder} configured with the
 * same key, issuer and audience checks. Three paths of the validator:
 *
 * <ul>
 *   <li>{@code apiGuardCacheHit}: the same token again, answered by the verified-token cache (what an API sees
 *       for the second and later requests of a client during a token's life);</li>
 *   <li>{@code apiGuardColdNewToken}: every token new (a pool of {@value #POOL} distinct tokens, twice the
 *       cache's default size, presented in turn, so every call misses, verifies and inserts, evicting one);</li>
 *   <li>{@code apiGuardCacheOff}: the same token with the cache turned off.</li>
 * </ul>
 *
 * Spring's decoder has no cache; it is measured on the same token and on the same pool. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar TokenValidationBenchmark}; the p99 is in the SampleTime
 * output ({@code p0.99}). Measure on an idle machine only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class TokenValidationBenchmark {

    private static final String ISSUER = "https://localhost:8443/realms/apiguard-demo";

    /** Distinct tokens of the cold path: twice the cache's default size. */
    static final int POOL = 2 * VerifiedTokenCacheSettings.DEFAULT_MAX_ENTRIES;

    private String token;
    private String[] pool;
    private int next;
    private AccessTokenValidator apiGuard;
    private AccessTokenValidator apiGuardCold;
    private AccessTokenValidator apiGuardNoCache;
    private NimbusJwtDecoder spring;

    @Setup
    public void setUp() throws JOSEException {
        ECKey key = new ECKeyGenerator(Curve.P_256)
                .keyID("k-1")
                .algorithm(JWSAlgorithm.ES256)
                .generate();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("orders-api")
                .subject("alice")
                .claim("client_id", "demo-spa")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("scope", "openid orders:read orders:write")
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("k-1")
                        .build(),
                claims);
        ECDSASigner signer = new ECDSASigner(key);
        jwt.sign(signer);
        token = jwt.serialize();
        pool = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            SignedJWT distinct = new SignedJWT(
                    jwt.getHeader(),
                    new JWTClaimsSet.Builder(claims)
                            .jwtID(UUID.randomUUID().toString())
                            .build());
            distinct.sign(signer);
            pool[i] = distinct.serialize();
        }

        apiGuard = validator(key, VerifiedTokenCacheSettings.DEFAULTS);
        apiGuardCold = validator(key, VerifiedTokenCacheSettings.DEFAULTS);
        apiGuardNoCache = validator(key, VerifiedTokenCacheSettings.OFF);
        // What NimbusJwtDecoder.withJwkSetUri(...) builds, with the key set held in memory instead of fetched
        // (withPublicKey takes RSA keys only); at+jwt accepted, claims left to Spring's validators as its builders do.
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.ES256, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()))));
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWTClaimsSetVerifier((claimsSet, context) -> {});
        spring = new NimbusJwtDecoder(processor);
        spring.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(ISSUER),
                new JwtClaimValidator<java.util.List<String>>(
                        "aud", aud -> aud != null && aud.contains("orders-api"))));
        try {
            apiGuard.validate(token);
            apiGuardNoCache.validate(token);
            apiGuardCold.validate(pool[0]);
        } catch (TokenRejectedException e) {
            throw new IllegalStateException("the benchmark token must be valid: " + e.getMessage(), e);
        }
        spring.decode(token);
    }

    private static AccessTokenValidator validator(ECKey key, VerifiedTokenCacheSettings cache) {
        return AccessTokenValidator.builder()
                .issuer(ISSUER)
                .audience("orders-api")
                .staticKeys(new JWKSet(key.toPublicJWK()))
                .verifiedTokenCache(cache)
                .build();
    }

    private String nextOfPool() {
        String result = pool[next];
        next = next + 1 == POOL ? 0 : next + 1;
        return result;
    }

    @Benchmark
    public AccessToken apiGuardCacheHit() throws TokenRejectedException {
        return apiGuard.validate(token);
    }

    @Benchmark
    public AccessToken apiGuardColdNewToken() throws TokenRejectedException {
        return apiGuardCold.validate(nextOfPool());
    }

    @Benchmark
    public AccessToken apiGuardCacheOff() throws TokenRejectedException {
        return apiGuardNoCache.validate(token);
    }

    @Benchmark
    public Jwt springNimbusJwtDecoder() {
        return spring.decode(token);
    }

    @Benchmark
    public Jwt springNimbusJwtDecoderNewToken() {
        return spring.decode(nextOfPool());
    }
}
