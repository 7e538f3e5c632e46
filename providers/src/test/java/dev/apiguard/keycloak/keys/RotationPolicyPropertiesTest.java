package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the rotation-policy parser over hostile input: a policy or a
 * {@link PolicyException} with at least one problem, nothing else; and a policy that parses is
 * within the documented bounds and reads back unchanged from its stored form.
 */
class RotationPolicyPropertiesTest {

    private static final String[] FIELDS = RotationPolicy.FIELDS.toArray(String[]::new);

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void parseWhenGivenAnyTextThenAPolicyOrProblemsAndNothingElse(String text) {
        Throwable thrown = catchThrowable(() -> RotationPolicy.parse(text));

        assertThat(thrown)
                .satisfiesAnyOf(
                        t -> assertThat(t).isNull(),
                        t -> assertThat(t)
                                .isInstanceOfSatisfying(
                                        PolicyException.class,
                                        e -> assertThat(e.problems()).isNotEmpty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void parseWhenAPolicyIsAcceptedThenItIsWithinBoundsAndRoundTrips(String text) {
        RotationPolicy policy;
        try {
            policy = RotationPolicy.parse(text);
        } catch (PolicyException e) {
            return; // refused: the other property covers refusals
        }
        long tenYears = 10L * 365 * 86_400;
        assertThat(policy.rotationPeriod()).isBetween(1L, tenYears);
        assertThat(policy.retirement()).isBetween(1L, tenYears);
        assertThat(policy.prePublication()).isBetween(0L, policy.rotationPeriod() - 1);
        assertThat(RotationPolicy.parse(policy.toJsonString())).isEqualTo(policy);
    }

    static Stream<Arguments> policies() {
        return JsonFuzz.samples(
                JsonFuzz.SAMPLES,
                random -> JsonFuzz.oneOf(
                        random,
                        JsonFuzz::anyText,
                        r -> JsonFuzz.object(r, FIELDS),
                        r -> JsonFuzz.object(r, FIELDS),
                        JsonFuzz::deepNesting),
                JsonFuzz.edgeCases(JsonFuzz.edge(
                        "the demo realm's policy",
                        "{\"enabled\":true,\"rotationPeriod\":\"P90D\","
                                + "\"prePublication\":\"P14D\",\"retirement\":\"P14D\",\"secretKeyRetirement\":\"P31D\","
                                + "\"jwksMaxAge\":\"PT1H\",\"clockSkew\":\"PT1M\"}")));
    }
}
