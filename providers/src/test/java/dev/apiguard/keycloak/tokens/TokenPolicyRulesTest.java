package dev.apiguard.keycloak.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenPolicyRulesTest {

    @Test
    void violationsWhenNothingIsProposedThenNone() {
        assertThat(TokenPolicyRules.violations(null, 300)).isEmpty();
        assertThat(TokenPolicyRules.violations(Map.of(), 300)).isEmpty();
    }

    @ParameterizedTest(name = "lifespan {0}")
    @CsvSource(value = {"1", "60", "300", "-1", "''"})
    void violationsWhenLifespanIsWithinTheCeilingOrUnsetThenNone(String lifespan) {
        assertThat(TokenPolicyRules.violations(Map.of("access.token.lifespan", lifespan), 300))
                .isEmpty();
    }

    @Test
    void violationsWhenLifespanIsAboveTheCeilingThenNamesSettingAndCeiling() {
        assertThat(TokenPolicyRules.violations(Map.of("access.token.lifespan", "600"), 300))
                .containsExactly(
                        "access.token.lifespan: 600 s is outside 1..300 s (the realm's access-token ceiling, apiguard.accessTokenLifespanCeiling)");
    }

    @Test
    void violationsWhenLifespanIsNotANumberThenSaysSo() {
        assertThat(TokenPolicyRules.violations(Map.of("access.token.lifespan", "ten"), 300))
                .containsExactly("access.token.lifespan: 'ten' is not a number of seconds");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            value = {
                "access.token.signed.response.alg, none", "access.token.signed.response.alg, HS256",
                "id.token.signed.response.alg, RS512", "user.info.response.signature.alg, ES384",
                "authorization.signed.response.alg, PS512"
            })
    void violationsWhenASigningAlgorithmIsNotAllowedThenNamesTheAttribute(String attribute, String algorithm) {
        assertThat(TokenPolicyRules.violations(Map.of(attribute, algorithm), 300))
                .singleElement()
                .asString()
                .startsWith(attribute + ": " + algorithm + " is not allowed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {"ES256", "PS256", "EdDSA", "RS256"})
    void violationsWhenTheAlgorithmIsFapiOrTheRs256OptInThenNone(String algorithm) {
        assertThat(TokenPolicyRules.violations(
                        Map.of(
                                "access.token.signed.response.alg",
                                algorithm,
                                "id.token.signed.response.alg",
                                algorithm),
                        300))
                .isEmpty();
    }

    @Test
    void violationsWhenTheRfc9068HeaderIsTurnedOffThenNamesTheAttribute() {
        assertThat(TokenPolicyRules.violations(Map.of("access.token.header.type.rfc9068", "false"), 300))
                .containsExactly(
                        "access.token.header.type.rfc9068: access tokens must carry the RFC 9068 header typ at+jwt");
    }
}
