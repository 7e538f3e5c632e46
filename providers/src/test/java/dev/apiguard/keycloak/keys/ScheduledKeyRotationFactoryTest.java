package dev.apiguard.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduledKeyRotationFactoryTest {

    @Test
    void settingsWhenNoDefaultPolicyThenRealmsWithoutOneAreNotRotated() {
        ScheduledKeyRotationFactory.Settings settings = ScheduledKeyRotationFactory.settings(60, null);

        assertThat(settings.intervalSeconds()).isEqualTo(60);
        assertThat(settings.defaultPolicy()).isEmpty();
        assertThat(ScheduledKeyRotationFactory.settings(60, " ").defaultPolicy())
                .isEmpty();
    }

    @Test
    void settingsWhenADefaultPolicyIsGivenThenItIsParsedWithOmittedFieldsFromTheDefaults() {
        ScheduledKeyRotationFactory.Settings settings =
                ScheduledKeyRotationFactory.settings(5, "{\"rotationPeriod\":\"P30D\"}");

        assertThat(settings.defaultPolicy())
                .contains(
                        new RotationPolicy(true, 30 * 86_400L, 14 * 86_400L, 14 * 86_400L, 14 * 86_400L, 3_600L, 60L));
    }

    @Test
    void settingsWhenTheDefaultPolicyIsInvalidThenTheStartFailsNamingTheOptionAndEveryProblem() {
        assertThatThrownBy(() -> ScheduledKeyRotationFactory.settings(60, "{\"rotation\":1,\"retirement\":\"soon\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "--spi-apiguard-key-rotation--default--default-policy is not a valid key-rotation policy: ")
                .hasMessageContaining("unknown field 'rotation'")
                .hasMessageContaining("retirement 'soon' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 3601})
    void settingsWhenTheIntervalIsOutOfRangeThenRefusedNamingOptionValueAndRange(int interval) {
        assertThatThrownBy(() -> ScheduledKeyRotationFactory.settings(interval, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--spi-apiguard-key-rotation--default--interval must be 1 to 3600 seconds, was " + interval);
    }
}
