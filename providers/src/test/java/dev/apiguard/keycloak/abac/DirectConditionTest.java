package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.common.JsonFuzz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which condition shapes get a {@link DirectCondition} when a document is compiled. */
class DirectConditionTest {

    private static DirectCondition directFormOf(String condition) throws PolicyDocumentException {
        String document = "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [\"s\"], \"policies\": [{\"name\": "
                + "\"p\", \"scopes\": [\"s\"], \"effect\": \"permit\", \"condition\": " + JsonFuzz.quote(condition)
                + "}]}";
        return PolicyCompiler.compile(PolicyDocumentParser.parse(document))
                .policies()
                .get(0)
                .direct();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "'orders-admin-3' in user.realmRoles",
                "user.attributes.department == ['finance-1'] && user.emailVerified",
                "request.grantType == 'client_credentials' && client.id == 'batch-2'",
                "'/partners/emea-3' in user.groups",
                "auth.acr == 'mfa' && auth.time > 4",
                "user.attributes['cost-center'] == ['5']",
                "client.attributes['tier'] == 'gold-6' && request.sourceIp.startsWith('10.')",
                "user.attributes.department == ['sales'] && user.emailVerified && 'api-user' in user.realmRoles",
                "'orders-admin' in user.clientRoles['orders-api'] || !(client.id in ['a', 'b'])",
                "has(user.attributes.department) && scope != 'orders:admin'",
                "100 < auth.time",
                "now.getHours('UTC') > 24 + 7",
                "now.getDayOfWeek() == 0 || 17 <= now.getHours()"
            })
    void compileWhenCommonShapeThenDirectForm(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "now.getHours('Europe/Berlin') > 8",
                "now.getHours() > auth.time",
                "size(user.realmRoles) > 1",
                "user.realmRoles.exists(r, r.startsWith('a'))",
                "user.username.matches('^a')",
                "auth.time > 1.5",
                "'a' in user.realmRoles && now.getFullYear() > 2000"
            })
    void compileWhenOtherShapeThenInterpreterOnly(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNull();
    }
}
