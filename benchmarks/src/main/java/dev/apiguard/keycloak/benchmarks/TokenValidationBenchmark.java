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
 * Validation of one ES256 access token whose key is already cached: apiguard-resource-server's
 * {@link AccessTokenValidator} next to Spring Security's {@link NimbusJwtDecoder} configured with the
 * same key, issuer and audience checks. Run with {@code java -jar benchmarks/target/benchmarks.jar
 * TokenValidationBenchmark}; the p99 is in the SampleTime output ({@code p0.99}). Measure on an idle
 * machine only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class TokenValidationBenchmark {

    private static final String ISSUER = "https://localhost:8443/realms/apiguard-demo";

    private String token;
    private AccessTokenValidator apiGuard;
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
        jwt.sign(new ECDSASigner(key));
        token = jwt.serialize();

        apiGuard = AccessTokenValidator.builder()
                .issuer(ISSUER)
                .audience("orders-api")
                .staticKeys(new JWKSet(key.toPublicJWK()))
                .build();
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
        } catch (TokenRejectedException e) {
            throw new IllegalStateException("the benchmark token must be valid: " + e.getMessage(), e);
        }
        spring.decode(token);
    }

    @Benchmark
    public AccessToken apiGuardValidator() throws TokenRejectedException {
        return apiGuard.validate(token);
    }

    @Benchmark
    public Jwt springNimbusJwtDecoder() {
        return spring.decode(token);
    }
}
