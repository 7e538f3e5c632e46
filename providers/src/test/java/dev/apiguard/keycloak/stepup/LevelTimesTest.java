package dev.apiguard.keycloak.stepup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LevelTimesTest {

    private static final long NOW = 1_000_000;

    @Test
    void parseWhenKeycloaksNoteThenLevelsWithTimes() {
        assertThat(LevelTimes.parse("{\"1\":999000,\"2\":999900}"))
                .containsEntry(1, 999_000L)
                .containsEntry(2, 999_900L);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(value = {"''", "' '", "not json", "[1,2]"})
    void parseWhenAbsentOrUnreadableThenNoLevel(String note) {
        assertThat(LevelTimes.parse(note)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "level 2 reached 100 s ago, max age 300     | 999900 | 2 | 300 | true",
                "level 2 reached exactly max age ago         | 999700 | 2 | 300 | true",
                "level 2 reached 301 s ago, max age 300     | 999699 | 2 | 300 | false",
                "only level 1, level 2 required              | 0      | 2 | 300 | false",
                "max age 0 (unreadable setting) never fresh  | 999999 | 2 | 0   | false",
                "level 2 in the future (clock skew) refused  | 1000100| 2 | 300 | false",
            })
    void satisfiedWhenComparedWithTheRequiredLevelAndMaxAgeThenOnlyFreshEnoughLevels(
            String description, long level2Time, int required, int maxAge, boolean expected) {
        Map<Integer, Long> levels = level2Time == 0 ? Map.of(1, NOW - 10) : Map.of(1, NOW - 10, 2, level2Time);

        assertThat(LevelTimes.satisfied(levels, required, maxAge, NOW)).isEqualTo(expected);
    }
}
