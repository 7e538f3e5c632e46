package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision procedure over the demo document and a few extra policies, one row per case. */
class CompiledPoliciesTest {

    private static final String DOCUMENT = """
            {
              "apiVersion": "apiguard/v1",
              "protectedScopes": ["orders:read", "orders:write", "orders:admin", "timesheets"],
              "policies": [
                {"name": "orders-read-api-users", "scopes": ["orders:read"], "effect": "permit",
                 "condition": "'api-user' in user.realmRoles"},
                {"name": "orders-write-sales", "scopes": ["orders:write"], "effect": "permit",
                 "condition": "user.attributes.department == ['sales'] && user.emailVerified"},
                {"name": "orders-admin-api-admins", "scopes": ["orders:admin"], "effect": "permit", "onDeny": "refuse",
                 "condition": "'api-admin' in user.realmRoles"},
                {"name": "no-write-from-lab", "scopes": ["orders:write"], "effect": "deny", "onDeny": "refuse",
                 "condition": "request.sourceIp.startsWith('10.66.')"},
                {"name": "reports-need-mfa", "scopes": ["reports"], "effect": "deny",
                 "condition": "auth.acr != 'mfa'"},
                {"name": "weekdays-only", "scopes": ["timesheets"], "effect": "permit",
                 "condition": "now.getDayOfWeek('UTC') >= 1 && now.getDayOfWeek('UTC') <= 5 && now.getHours('UTC') < 18"},
                {"name": "only-spa-writes", "scopes": ["orders:write"], "clients": ["demo-spa"], "effect": "permit",
                 "condition": "false"}
              ]
            }
            """;

    private static final CompiledPolicies POLICIES = compile();

    private static CompiledPolicies compile() {
        try {
            return PolicyCompiler.compile(PolicyDocumentParser.parse(DOCUMENT));
        } catch (PolicyDocumentException e) {
            throw new AssertionError(e.errors());
        }
    }

    @ParameterizedTest(name = "{0}: {1} via {2} from {4} -> {5} {6} by {7}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # user  | scope        | client       | partial | source ip   | outcome       | on deny | policy                  | reason starts with
            alice   | orders:read  | demo-spa     | false   | 192.0.2.1   | PERMIT        | -       | orders-read-api-users   | permit condition holds
            alice   | orders:write | demo-spa     | false   | 192.0.2.1   | PERMIT        | -       | orders-write-sales      | permit condition holds
            ann     | orders:write | demo-spa     | false   | 192.0.2.1   | DENY          | DROP    | orders-write-sales      | default deny: permit condition is false
            nodept  | orders:write | demo-spa     | false   | 192.0.2.1   | DENY          | DROP    | orders-write-sales      | default deny: evaluation error
            alice   | orders:write | demo-spa     | false   | 10.66.0.7   | DENY          | REFUSE  | no-write-from-lab       | deny condition holds
            alice   | orders:admin | demo-spa     | false   | 192.0.2.1   | DENY          | REFUSE  | orders-admin-api-admins | default deny: permit condition is false
            ann     | orders:admin | demo-spa     | false   | 192.0.2.1   | PERMIT        | -       | orders-admin-api-admins | permit condition holds
            alice   | profile      | demo-spa     | false   | 192.0.2.1   | NOT_PROTECTED | -       | -                       | scope is not protected
            alice   | reports      | demo-spa     | false   | 192.0.2.1   | DENY          | DROP    | reports-need-mfa        | attribute auth.acr has no value for this request (fails closed)
            alice   | reports      | demo-spa     | true    | 192.0.2.1   | DEFERRED      | -       | -                       | needs attributes
            mfa     | reports      | demo-spa     | false   | 192.0.2.1   | NOT_PROTECTED | -       | -                       | scope is not protected
            alice   | timesheets   | demo-spa     | false   | 192.0.2.1   | PERMIT        | -       | weekdays-only           | permit condition holds
            svc     | orders:read  | demo-service | false   | 192.0.2.1   | PERMIT        | -       | orders-read-api-users   | permit condition holds
            svc     | orders:write | demo-service | false   | 192.0.2.1   | DENY          | DROP    | orders-write-sales      | default deny: permit condition is false
            """)
    void decideWhenAttributesDifferThenTheTableOutcome(
            String user,
            String scope,
            String client,
            boolean partial,
            String ip,
            Decision.Outcome outcome,
            Policy.OnDeny onDeny,
            String policy,
            String reason) {
        Decision decision = POLICIES.decide(scope, client, input(user, client, ip), partial);

        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.onDeny()).isEqualTo(onDeny);
        assertThat(decision.policy()).isEqualTo(policy);
        assertThat(decision.reason()).startsWith(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            user.attributes.department == ['sales']                  | department
            user.attributes['cost-center'] == ['1'] && has(user.attributes.x) | cost-center,x
            'api-user' in user.realmRoles                             | ""
            """)
    void userAttributesReadWhenNamedLiterallyThenListed(String condition, String expected) throws Exception {
        CompiledPolicies compiled = PolicyCompiler.compile(PolicyDocumentParser.parse(
                "{\"apiVersion\":\"apiguard/v1\",\"policies\":[{\"name\":\"p\",\"scopes\":[\"s\"],\"effect\":\"permit\","
                        + "\"condition\":\"" + condition.replace("\"", "\\\"") + "\"}]}"));

        List<String> names = expected.isEmpty() ? List.of() : List.of(expected.split(","));
        assertThat(PolicyCompiler.userAttributesRead(compiled).get("p")).containsExactlyInAnyOrderElementsOf(names);
    }

    @org.junit.jupiter.api.Test
    void decideAllWhenAConditionReadsTheScopeThenEachScopeIsDecidedOnItsOwn() throws Exception {
        CompiledPolicies compiled = PolicyCompiler.compile(PolicyDocumentParser.parse("""
                {"apiVersion": "apiguard/v1", "protectedScopes": ["a", "b", "c"], "policies": [
                  {"name": "only-a", "scopes": ["a", "b"], "effect": "permit", "condition": "scope == 'a'"},
                  {"name": "shared-1", "scopes": ["c"], "effect": "permit", "condition": "'api-user' in user.realmRoles"},
                  {"name": "shared-2", "scopes": ["b"], "effect": "deny", "condition": "'api-user' in user.realmRoles"}]}
                """));

        Map<String, Decision> decisions = compiled.decideAll(
                List.of("a", "b", "c", "openid"), "demo-spa", input("alice", "demo-spa", "192.0.2.1"), false);

        assertThat(decisions).containsOnlyKeys("a", "b", "c");
        assertThat(decisions.get("a").outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(decisions.get("b").outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decisions.get("b").policy()).isEqualTo("shared-2");
        assertThat(decisions.get("c").policy()).isEqualTo("shared-1");
        assertThat(decisions.get("c").outcome()).isEqualTo(Decision.Outcome.PERMIT);
    }

    static PolicyInput input(String user, String client, String ip) {
        PolicyInput.Builder input = PolicyInput.builder()
                .value(PolicyVariables.USER_USERNAME, user)
                .value(PolicyVariables.CLIENT_ID, client)
                .value(PolicyVariables.REQUEST_SOURCE_IP, ip)
                .value(PolicyVariables.REQUEST_GRANT_TYPE, "authorization_code")
                .value(PolicyVariables.NOW, Instant.parse("2026-01-01T10:00:00Z"));
        switch (user) {
            case "alice" ->
                input.value(PolicyVariables.USER_ATTRIBUTES, Map.of("department", List.of("sales")))
                        .value(PolicyVariables.USER_REALM_ROLES, List.of("api-user"))
                        .value(PolicyVariables.USER_EMAIL_VERIFIED, true);
            case "ann" ->
                input.value(PolicyVariables.USER_ATTRIBUTES, Map.of("department", List.of("engineering")))
                        .value(PolicyVariables.USER_REALM_ROLES, List.of("api-user", "api-admin"))
                        .value(PolicyVariables.USER_EMAIL_VERIFIED, true);
            case "nodept" ->
                input.value(PolicyVariables.USER_ATTRIBUTES, Map.of())
                        .value(PolicyVariables.USER_REALM_ROLES, List.of("api-user"))
                        .value(PolicyVariables.USER_EMAIL_VERIFIED, true);
            case "mfa" ->
                input.value(PolicyVariables.AUTH_ACR, "mfa").value(PolicyVariables.USER_REALM_ROLES, List.of());
            case "svc" ->
                input.value(PolicyVariables.USER_ATTRIBUTES, Map.of())
                        .value(PolicyVariables.USER_REALM_ROLES, List.of("api-user"))
                        .value(PolicyVariables.USER_EMAIL_VERIFIED, false);
            default -> throw new IllegalArgumentException(user);
        }
        return input.build();
    }
}
