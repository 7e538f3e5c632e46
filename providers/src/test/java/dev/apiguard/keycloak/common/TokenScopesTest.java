package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
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
