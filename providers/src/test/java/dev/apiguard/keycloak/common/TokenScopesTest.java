package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenScopesTest {

    @ParameterizedTest(name = "split(''{0}'') = {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "NULL | 0",
                "'' | 0",
                "'   ' | 0",
                "openid | 1",
                "' openid  profile\torders:read ' | 3",
            })
    void splitWhenNullBlankOrSpacedThenOnlyTheScopes(String scope, int count) {
        assertThat(TokenScopes.split(scope))
                .hasSize(count)
                .allSatisfy(s -> assertThat(s).isNotBlank().doesNotContainAnyWhitespaces());
    }

    @Test
    void splitIsExactlyTrimThenSplitOnWhitespaceRunsForAnyString() {
        // Random strings over scope characters, every whitespace of \s, other control characters (which
        // trim() removes at the ends but \s does not split on) and non-ASCII spaces (neither).
        char[] alphabet = {
            'a', 'b', ':', '_', ' ', ' ', '\t', '\n', '\u000B', '\f', '\r', '\u0001', '\u001F', '\u00A0', '\u2003', 'é'
        };
        Random random = new Random(20261201L);
        for (int n = 0; n < 100_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String scope = new String(chars);
            // The regular expression's result, without the one empty "scope" it gives for a string that trim()
            // empties but isBlank() does not (control characters only).
            List<String> expected = scope.isBlank()
                    ? List.of()
                    : Arrays.stream(scope.trim().split("\\s+"))
                            .filter(s -> !s.isEmpty())
                            .toList();

            assertThat(TokenScopes.split(scope))
                    .as("split of %s", scope.chars().boxed().toList())
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "''{0}'' without {1} = ''{2}''")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "openid orders:read orders:write | orders:write | openid orders:read",
                "openid orders:read orders:write | orders:admin | openid orders:read orders:write",
                "orders:write | orders:write | ''",
                "NULL | orders:write | ''",
                "'orders:write  openid' | orders:write | openid",
            })
    void withoutWhenScopesAreRemovedThenTheRestKeepsItsOrder(String scope, String removed, String expected) {
        assertThat(TokenScopes.without(scope, Set.of(removed))).isEqualTo(expected);
    }
}
