package dev.apiguard.keycloak.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LifetimeCeilingsTest {

    private static final long IAT = 1_000_000;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // case                                      | keycloak exp-iat | realm | client | realm ceiling | scope
                // ceiling | expected exp-iat
                "realm setting only                          | 300  | 300  | -1   | 300 | 0    | 300",
                "realm setting below the ceiling             | 120  | 120  | -1   | 300 | 0    | 120",
                "realm setting above the ceiling             | 900  | 900  | -1   | 300 | 0    | 300",
                "client shorter than realm                   | 60   | 300  | 60   | 300 | 0    | 60",
                "client longer than realm cannot extend      | 3600 | 300  | 3600 | 300 | 0    | 300",
                "admin scope ceiling                         | 300  | 300  | -1   | 300 | 120  | 120",
                "admin scope and shorter client              | 60   | 300  | 60   | 300 | 120  | 60",
                "scope ceiling above realm ceiling           | 300  | 300  | -1   | 300 | 900  | 300",
                "session ends earlier than every ceiling     | 45   | 300  | -1   | 300 | 120  | 45",
                "lower realm ceiling                         | 300  | 300  | -1   | 90  | 120  | 90",
            })
    void cappedExpiryWhenCombiningSettingsThenTheMinimumApplies(
            String description,
            long keycloakLifetime,
            int realm,
            int client,
            int realmCeiling,
            int scopeCeiling,
            long expected) {
        long exp =
                LifetimeCeilings.cappedExpiry(IAT, IAT + keycloakLifetime, realm, client, realmCeiling, scopeCeiling);

        assertThat(exp - IAT).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(value = {"'', 300", "' ', 300", "120, 120", "' 60 ', 60", "1, 1", "86400, 86400"})
    void parseSecondsWhenValidOrBlankThenValueOrFallback(String raw, int expected) {
        assertThat(LifetimeCeilings.parseSeconds(raw, 300)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(value = {"0", "-1", "86401", "five", "1.5"})
    void parseSecondsWhenInvalidThenNamesTheValue(String raw) {
        assertThatThrownBy(() -> LifetimeCeilings.parseSeconds(raw, 300))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(raw.trim().startsWith("-") ? "-1" : raw);
    }
}
