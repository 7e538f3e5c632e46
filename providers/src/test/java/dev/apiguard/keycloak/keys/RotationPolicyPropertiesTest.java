package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apiguard.keycloak.common.JsonFuzz;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the rotation-policy parser over hostile input: a policy or a
 * {@link PolicyException} with at least one problem, nothing else; and a policy that parses is
 * within the documented bounds and reads back unchanged from its stored form.
 */
class RotationPolicyPropertiesTest {

    private static final String[] FIELDS = RotationPolicy.FIELDS.toArray(String[]::new);

    @Property
    void parseWhenGivenAnyTextThenAPolicyOrProblemsAndNothingElse(@ForAll("policies") String text) {
        Throwable thrown = catchThrowable(() -> RotationPolicy.parse(text));

        assertThat(thrown).satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).isNotEmpty()));
    }

    @Property
    void parseWhenAPolicyIsAcceptedThenItIsWithinBoundsAndRoundTrips(@ForAll("policies") String text) {
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

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.oneOf(JsonFuzz.anyText(), JsonFuzz.object(FIELDS), JsonFuzz.object(FIELDS), JsonFuzz.deepNesting());
    }
}
