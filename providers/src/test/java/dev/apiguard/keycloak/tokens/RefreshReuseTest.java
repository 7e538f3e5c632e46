package dev.apiguard.keycloak.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefreshReuseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // case                                            | presented | iat | last used | count | newest iat |
                // max reuse | reuse
                "first refresh of the session                      | rt1 | 100 |      | 0 | 0   | 0 | false",
                "the newest token, issued by the last refresh      | rt2 | 160 | rt1  | 1 | 160 | 0 | false",
                "the token last used, used again                   | rt1 | 100 | rt1  | 1 | 160 | 0 | true",
                "an older token than the newest                    | rt1 | 100 | rt2  | 1 | 220 | 0 | true",
                "the token last used, within the allowed reuse     | rt1 | 100 | rt1  | 1 | 160 | 1 | false",
                "the token last used, beyond the allowed reuse     | rt1 | 100 | rt1  | 2 | 160 | 1 | true",
            })
    void isReuseWhenComparedWithTheSessionsBookkeepingThenDetectsReuse(
            String description,
            String presented,
            long iat,
            String lastUsed,
            int count,
            long newest,
            int maxReuse,
            boolean expected) {
        assertThat(RefreshReuse.isReuse(presented, iat, lastUsed, count, newest, maxReuse))
                .isEqualTo(expected);
    }
}
