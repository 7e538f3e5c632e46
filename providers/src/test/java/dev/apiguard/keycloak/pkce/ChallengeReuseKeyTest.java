package dev.apiguard.keycloak.pkce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeReuseKeyTest {

    // RFC 7636 Appendix B: the S256 challenge of verifier dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk.
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void ofWhenSameRealmClientAndChallengeThenSameKey() {
        assertThat(ChallengeReuseKey.of("realm-1", "demo-spa", CHALLENGE))
                .isEqualTo(ChallengeReuseKey.of("realm-1", "demo-spa", CHALLENGE));
    }

    @Test
    void ofWhenAnyPartDiffersThenAnotherKey() {
        String key = ChallengeReuseKey.of("realm-1", "demo-spa", CHALLENGE);

        assertThat(ChallengeReuseKey.of("realm-2", "demo-spa", CHALLENGE)).isNotEqualTo(key);
        assertThat(ChallengeReuseKey.of("realm-1", "other-client", CHALLENGE)).isNotEqualTo(key);
        assertThat(ChallengeReuseKey.of("realm-1", "demo-spa", CHALLENGE.replace('E', 'F')))
                .isNotEqualTo(key);
    }

    @Test
    void ofWhenPartsShiftBetweenFieldsThenAnotherKey() {
        assertThat(ChallengeReuseKey.of("ab", "c", CHALLENGE)).isNotEqualTo(ChallengeReuseKey.of("a", "bc", CHALLENGE));
    }

    @Test
    void ofThenHasPrefixFixedSizeAndCarriesNoRequestValue() {
        String key = ChallengeReuseKey.of("realm-1", "demo-spa", CHALLENGE);
        String longKey = ChallengeReuseKey.of("realm-1", "x".repeat(5000), CHALLENGE);

        assertThat(key)
                .startsWith("apiguard-pkce-challenge:")
                .doesNotContain(CHALLENGE)
                .doesNotContain("demo-spa");
        assertThat(longKey).hasSameSizeAs(key);
    }
}
