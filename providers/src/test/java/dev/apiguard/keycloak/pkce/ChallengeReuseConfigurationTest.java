package dev.apiguard.keycloak.pkce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChallengeReuseConfigurationTest {

    @Test
    void defaultsWhenNothingIsSetThenTenMinutesAndRefuse() {
        ChallengeReuseConfiguration configuration = new ChallengeReuseConfiguration();

        assertThat(configuration.validateConfig()).isTrue();
        assertThat(configuration.windowSecondsOrDefault()).isEqualTo(600);
        assertThat(configuration.actionOrDefault()).isEqualTo(ChallengeReuseConfiguration.Action.REFUSE);
    }

    @ParameterizedTest(name = "window {0}, action {1}")
    @CsvSource(value = {"1, refuse", "86400, record", "' 120 ', RECORD", "'', ''"})
    void validateConfigWhenValuesAreInRangeThenValid(String window, String action) {
        ChallengeReuseConfiguration configuration = new ChallengeReuseConfiguration();
        configuration.setWindowSeconds(window);
        configuration.setAction(action);

        assertThat(configuration.validateConfig()).isTrue();
    }

    @ParameterizedTest(name = "window {0}, action {1}")
    @CsvSource(value = {"0, refuse", "86401, refuse", "-5, refuse", "ten, refuse", "600, block", "600, drop"})
    void validateConfigWhenAValueIsOutOfRangeThenInvalid(String window, String action) {
        ChallengeReuseConfiguration configuration = new ChallengeReuseConfiguration();
        configuration.setWindowSeconds(window);
        configuration.setAction(action);

        assertThat(configuration.validateConfig()).isFalse();
    }

    @Test
    void validateConfigWhenAnUnknownKeyIsSetThenInvalid() {
        ChallengeReuseConfiguration configuration = new ChallengeReuseConfiguration();
        configuration.setConfigAsMap("window-second", "60");

        assertThat(configuration.validateConfig()).isFalse();
    }
}
