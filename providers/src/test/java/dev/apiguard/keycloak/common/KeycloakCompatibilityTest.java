package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeycloakCompatibilityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"26.7.0", "26.7.3", "26.7.12", "26.7.0-SNAPSHOT"})
    void checkWhenTheVersionIsSupportedThenNoWarning(String version) {
        assertThat(KeycloakCompatibility.check(version, "0.1.0")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"26.8.0", "26.10.1"})
    void checkWhenALater26IsUntestedThenStartsWithAWarningNamingTheSupportedVersions(String version) {
        assertThat(KeycloakCompatibility.check(version, "0.1.0"))
                .hasValueSatisfying(warning -> assertThat(warning)
                        .contains("not tested on Keycloak " + version)
                        .contains("Keycloak 26.7.x (tested: 26.7.0, 26.7.3)"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "26.4.7     | it is not supported",
                "26.5.6     | it is not supported",
                "26.6.4     | it is not supported",
                "25.0.6     | it is not supported",
                "27.0.0     | it is not supported",
                "999.0.0-SNAPSHOT | it is not supported",
                "nightly    | its version cannot be read",
                "''         | its version cannot be read",
            })
    void checkWhenTheVersionIsUnsupportedThenRefusedNamingItAndTheSupportedVersions(String version, String why) {
        assertThatThrownBy(() -> KeycloakCompatibility.check(version, "0.1.0"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("API Guard 0.1.0 cannot run on Keycloak '" + version + "' (" + why + "): it supports "
                        + "Keycloak 26.7.x (tested: 26.7.0, 26.7.3). Remove apiguard-keycloak.jar from "
                        + "providers/ or install the API Guard release made for this Keycloak.");
    }
}
