package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationPolicyTest {

    @Test
    void parseWhenEmptyObjectThenDefaultsOfOktaAndDuende() {
        RotationPolicy policy = RotationPolicy.parse("{}");

        assertThat(policy).isEqualTo(RotationPolicy.DEFAULT);
        assertThat(policy.toJson().toString())
                .isEqualTo(
                        "{\"enabled\":true,\"rotationPeriod\":\"P90D\",\"prePublication\":\"P14D\","
                                + "\"retirement\":\"P14D\",\"secretKeyRetirement\":\"P14D\",\"jwksMaxAge\":\"PT1H\",\"clockSkew\":\"PT1M\"}");
    }

    @Test
    void effectiveWhenTheRealmHasNoPolicyAndTheServerNoDefaultThenRotationIsOff() {
        assertThat(RotationPolicy.effective(null, null)).isEqualTo(RotationPolicy.NONE);
        assertThat(RotationPolicy.effective("  ", null)).isEqualTo(RotationPolicy.NONE);
        assertThat(RotationPolicy.NONE.enabled()).isFalse();
        assertThat(RotationPolicy.Source.of(null, null)).isEqualTo(RotationPolicy.Source.NONE);
    }

    @Test
    void effectiveWhenTheServerHasADefaultThenARealmWithoutPolicyFollowsIt() {
        RotationPolicy serverDefault = new RotationPolicy(true, 30, 8, 12, 20, 5, 2);

        assertThat(RotationPolicy.effective(null, serverDefault)).isEqualTo(serverDefault);
        assertThat(RotationPolicy.Source.of("", serverDefault).label()).isEqualTo("server-default");
    }

    @Test
    void effectiveWhenTheRealmHasAPolicyThenItWinsOverTheServerDefault() {
        RotationPolicy serverDefault = new RotationPolicy(true, 30, 8, 12, 20, 5, 2);

        assertThat(RotationPolicy.effective("{\"enabled\":false}", serverDefault)
                        .enabled())
                .isFalse();
        assertThat(RotationPolicy.effective("{}", null)).isEqualTo(RotationPolicy.DEFAULT);
        assertThat(RotationPolicy.Source.of("{}", serverDefault).label()).isEqualTo("realm");
    }

    @Test
    void parseWhenSecondsAndIsoMixedThenBothRead() {
        RotationPolicy policy = RotationPolicy.parse(
                "{\"rotationPeriod\":30,\"prePublication\":\"PT8S\",\"retirement\":\"12\",\"jwksMaxAge\":\"pt5s\",\"clockSkew\":2,\"enabled\":false}");

        assertThat(policy).isEqualTo(new RotationPolicy(false, 30, 8, 12, 14 * 86_400L, 5, 2));
    }

    @Test
    void parseWhenStoredJsonIsReadBackThenSamePolicy() {
        RotationPolicy policy = new RotationPolicy(true, 30, 8, 12, 20, 5, 2);

        assertThat(RotationPolicy.parse(policy.toJsonString())).isEqualTo(policy);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"retirement\": } | the policy: not valid JSON at line 1, column 16: Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                "{\"rotationPeriod\": | the policy: not valid JSON at line 1, column 19: Unexpected end-of-input within/between Object entries",
                "{\"retirement\": 99999999999999999999} | retirement 99999999999999999999 is longer than ten years",
                "{\"retirement\": 999999999999999999999} | the policy: a number longer than 20 characters",
                "[]                  | the policy must be a JSON object",
                "{\"rotation\":1}    | unknown field 'rotation' (known: clockSkew, enabled, jwksMaxAge, prePublication, retirement, rotationPeriod, secretKeyRetirement)",
                "{\"enabled\":\"yes\"} | enabled must be true or false, was \"yes\"",
                "{\"retirement\":\"two weeks\"} | retirement 'two weeks' is not a duration: give an ISO-8601 duration such as P90D or PT30S, or seconds",
                "{\"retirement\":-5} | retirement '-5' is negative",
                "{\"retirement\":\"-PT5S\"} | retirement '-PT5S' is negative",
                "{\"retirement\":\"PT0.5S\"} | retirement 'PT0.5S' is not a whole number of seconds",
                "{\"retirement\":true} | retirement must be an ISO-8601 duration string or whole seconds, was true",
                "{\"retirement\":\"\"} | retirement is empty: give an ISO-8601 duration such as P90D or PT30S, or seconds",
                "{\"retirement\":\"P5000D\"} | retirement P5000D is longer than ten years",
                "{\"retirement\":0} | retirement must be at least 1 second, was PT0S",
                "{\"rotationPeriod\":\"P14D\"} | prePublication P14D must be shorter than rotationPeriod P14D (the next key is published during the current key's period)",
                "{\"prePublication\":\"PT30M\"} | prePublication PT30M is shorter than jwksMaxAge PT1H: a client that cached the JWKS would not know the next key when it starts signing",
            })
    void parseWhenInvalidThenRefusedNamingFieldAndValue(String json, String message) {
        assertThatThrownBy(() -> RotationPolicy.parse(json))
                .isInstanceOf(PolicyException.class)
                .hasMessage(message);
    }

    @Test
    void parseWhenSeveralProblemsThenAllAreListed() {
        assertThatThrownBy(() -> RotationPolicy.parse("{\"retirement\":\"x\",\"clockSkew\":-1,\"extra\":1}"))
                .isInstanceOfSatisfying(
                        PolicyException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void retirementWhenShorterThanLongestTokenPlusSkewThenRefusedNamingBothValues() {
        RetirementNeeds needs = new RetirementNeeds(
                List.of(
                        new RetirementNeeds.Lifetime("realm accessTokenLifespan", 300),
                        new RetirementNeeds.Lifetime("client spa access.token.lifespan", 60)),
                List.of(
                        new RetirementNeeds.Lifetime("realm offlineSessionIdleTimeout", 2_592_000),
                        new RetirementNeeds.Lifetime("realm ssoSessionMaxLifespan", 36_000)));
        RotationPolicy policy = new RotationPolicy(true, 90 * 86_400L, 14 * 86_400L, 120, 14 * 86_400L, 3_600, 60);

        assertThat(needs.problems(policy))
                .containsExactly(
                        "retirement PT2M is shorter than the longest lifetime it must outlive: realm accessTokenLifespan PT5M plus clockSkew PT1M = PT6M",
                        "secretKeyRetirement P14D is shorter than the longest lifetime it must outlive: realm offlineSessionIdleTimeout P30D plus clockSkew PT1M = PT720H1M");
        assertThat(needs.effectiveRetirement(policy, KeyKind.SIGNING)).isEqualTo(360);
        assertThat(needs.effectiveRetirement(policy, KeyKind.SECRET)).isEqualTo(2_592_060);
    }

    @Test
    void retirementWhenLongEnoughThenNoProblem() {
        RetirementNeeds needs = new RetirementNeeds(
                List.of(new RetirementNeeds.Lifetime("realm accessTokenLifespan", 10)),
                List.of(new RetirementNeeds.Lifetime("realm ssoSessionMaxLifespan", 15)));

        assertThat(needs.problems(new RotationPolicy(true, 30, 8, 12, 17, 5, 2)))
                .isEmpty();
        assertThat(needs.effectiveRetirement(new RotationPolicy(true, 30, 8, 12, 17, 5, 2), KeyKind.SIGNING))
                .isEqualTo(12);
    }

    @Test
    void constructorWhenValuesBreakTheOwnRulesThenRefusedLikeParse() {
        assertThatThrownBy(() -> new RotationPolicy(true, 30, 40, 12, 20, 5, 2))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("prePublication PT40S must be shorter than rotationPeriod PT30S");
        assertThatThrownBy(() -> new RotationPolicy(true, 30, 8, 0, 20, 5, 2))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("retirement must be at least 1 second");
    }
}
