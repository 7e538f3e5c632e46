package dev.apiguard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import dev.apiguard.resourceserver.jwks.JwksSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configuration is refused when the object is built, with a message naming the value and its range. */
class ConfigurationTest {

    private static final JWKSet KEYS = new JWKSet(Tokens.ec("k-1").toPublicJWK());

    @Test
    void buildWhenNoAudienceThenRefused() {
        assertThatThrownBy(() -> AccessTokenValidator.builder()
                        .issuer("https://idp.example.test/realms/a")
                        .staticKeys(KEYS)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("audience is required");
    }

    @Test
    void buildWhenNoIssuerThenRefused() {
        assertThatThrownBy(() -> AccessTokenValidator.builder()
                        .audience("orders-api")
                        .staticKeys(KEYS)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("issuer is required");
    }

    @ParameterizedTest
    @CsvSource({"HS256", "HS384", "HS512", "none"})
    void algorithmsWhenSymmetricOrNoneThenRefused(String alg) {
        assertThatThrownBy(() -> AccessTokenValidator.builder().algorithms(JWSAlgorithm.parse(alg)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(alg)
                .hasMessageContaining("allowed");
    }

    @ParameterizedTest
    @CsvSource({"-1", "61", "3600"})
    void clockSkewWhenOutsideZeroToSixtySecondsThenRefused(long seconds) {
        assertThatThrownBy(() -> AccessTokenValidator.builder().clockSkew(Duration.ofSeconds(seconds)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 60 s");
    }

    @Test
    void clockSkewWhenSixtySecondsThenAcceptedAndAudienceStillChecked() {
        AccessTokenValidator validator = AccessTokenValidator.builder()
                .issuer("https://idp.example.test/realms/a")
                .audience("orders-api")
                .clockSkew(Duration.ofSeconds(60))
                .staticKeys(KEYS)
                .build();

        assertThat(validator.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(validator.audiences()).containsExactly("orders-api");
    }

    @Test
    void defaultsWhenBuiltThenStrict() {
        AccessTokenValidator validator = AccessTokenValidator.builder()
                .issuer("https://idp.example.test/realms/a")
                .audience("orders-api")
                .staticKeys(KEYS)
                .build();

        assertThat(validator.algorithms())
                .containsExactlyInAnyOrder(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);
        assertThat(validator.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jwksSettingsWhenMinLifetimeNotAboveRateLimitThenRefused() {
        assertThatThrownBy(() -> new JwksSettings(
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateLimitInterval");
    }

    @ParameterizedTest
    @CsvSource({
        ",                       300",
        "'max-age=600',          600",
        "'public, max-age=10',   60",
        "'max-age=999999',       3600",
        "'no-cache',             300",
        "'no-store, max-age=600', 300",
        "'max-age=abc',          300"
    })
    void timeToLiveWhenCacheControlGivenThenBoundedMaxAgeOrDefault(String header, long expectedSeconds)
            throws Exception {
        java.lang.reflect.Method parse = Class.forName("dev.apiguard.resourceserver.jwks.CacheControl")
                .getDeclaredMethod("maxAgeSeconds", String.class);
        parse.setAccessible(true);
        Long maxAge = (Long) parse.invoke(null, header);

        assertThat(JwksSettings.DEFAULTS.timeToLiveFor(maxAge)).isEqualTo(Duration.ofSeconds(expectedSeconds));
    }

    @ParameterizedTest
    @CsvSource({"-1, PT10M, maxEntries", "1000001, PT10M, maxEntries", "10, PT0S, maxEntryAge", "10, PT2H, maxEntryAge"
    })
    void verifiedTokenCacheWhenOutOfRangeThenRefusedNamingTheValue(int maxEntries, String age, String named) {
        assertThatThrownBy(() -> new VerifiedTokenCacheSettings(maxEntries, Duration.parse(age)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named)
                .hasMessageContaining("between");
    }

    @Test
    void verifiedTokenCacheWhenNotConfiguredThenOnWithTheDefaults() {
        AccessTokenValidator validator = AccessTokenValidator.builder()
                .issuer("https://idp.example.test/realms/a")
                .audience("orders-api")
                .staticKeys(KEYS)
                .build();

        assertThat(validator.verifiedTokenCache()).isEqualTo(VerifiedTokenCacheSettings.DEFAULTS);
        assertThat(VerifiedTokenCacheSettings.DEFAULTS.maxEntries()).isEqualTo(10_000);
        assertThat(VerifiedTokenCacheSettings.OFF.enabled()).isFalse();
    }
}
