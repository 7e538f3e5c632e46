package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which conditions {@link PolicyIndex} takes, and decisions with it: hit, miss, order, deny first, errors. */
class PolicyIndexTest {

    /** Permits and denies of one protected scope, each starting with a literal test. */
    private static final String DOCUMENT = """
            {"apiVersion": "apiguard/v1", "protectedScopes": ["orders"], "policies": [
              {"name": "admins", "scopes": ["orders"], "effect": "permit", "onDeny": "refuse",
               "condition": "'admin' in user.realmRoles && user.emailVerified"},
              {"name": "no-lab", "scopes": ["orders"], "effect": "deny", "onDeny": "refuse",
               "condition": "client.id == 'lab' && request.sourceIp.startsWith('10.')"},
              {"name": "sales", "scopes": ["orders"], "effect": "permit",
               "condition": "user.attributes.department == ['sales']"},
              {"name": "api-users", "scopes": ["orders"], "effect": "permit",
               "condition": "'api-user' in user.realmRoles"},
              {"name": "blocked", "scopes": ["orders"], "effect": "deny",
               "condition": "'/blocked' in user.groups && user.attributes.x == ['1']"}
            ]}
            """;

    private static final CompiledPolicies INDEXED = compile(DOCUMENT, true);
    private static final CompiledPolicies REFERENCE = compile(DOCUMENT, false);

    private static CompiledPolicies compile(String document, boolean indexed) {
        try {
            return PolicyCompiler.compile(PolicyDocumentParser.parse(document), indexed, indexed);
        } catch (PolicyDocumentException e) {
            throw new AssertionError(e.errors());
        }
    }

    private static PolicyIndex.Guard guardOf(String condition) {
        String document = "{\"apiVersion\": \"apiguard/v1\", \"policies\": [{\"name\": \"p\", \"scopes\": [\"s\"], "
                + "\"effect\": \"permit\", \"condition\": " + JsonFuzz.quote(condition) + "}]}";
        return compile(document, true).policies().get(0).guard();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "-", textBlock = """
            # condition                                                       | variable          | key         | contains | literals
            'admin' in user.realmRoles                                         | user.realmRoles   | -           | true     | admin
            'admin' in user.realmRoles && user.emailVerified                   | user.realmRoles   | -           | true     | admin
            ('/g' in user.groups && user.emailVerified) && auth.time > 3       | user.groups       | -           | true     | /g
            'o' in user.clientRoles['orders-api'] && size(user.groups) > 1     | user.clientRoles  | orders-api  | true     | o
            user.attributes.department == ['sales'] && user.emailVerified      | user.attributes   | department  | false    | [sales]
            ['a', 'b'] == user.attributes['cost-center']                       | user.attributes   | cost-center | false    | [a, b]
            client.id == 'batch'                                               | client.id         | -           | false    | batch
            'batch' == client.id && request.grantType == 'client_credentials'  | client.id         | -           | false    | batch
            client.id in ['a', 'b']                                            | client.id         | -           | false    | a;b
            client.attributes['tier'] == 'gold'                                | client.attributes | tier        | false    | gold
            request.scopes == []                                               | request.scopes    | -           | false    | []
            """)
    void guardWhenTheConditionStartsWithALiteralTestThenIndexedByIt(
            String condition, String variable, String key, boolean contains, String literals) {
        PolicyIndex.Guard guard = guardOf(condition);

        assertThat(guard).isNotNull();
        assertThat(PolicyInput.name(guard.slot())).isEqualTo(variable);
        assertThat(guard.key()).isEqualTo(key);
        assertThat(guard.contains()).isEqualTo(contains);
        assertThat(guard.literals().stream().map(String::valueOf))
                .containsExactlyInAnyOrderElementsOf(Arrays.asList(literals.split(";")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "user.emailVerified && 'admin' in user.realmRoles",
                "'admin' in user.realmRoles || user.emailVerified",
                "!('admin' in user.realmRoles)",
                "client.id != 'batch'",
                "scope == 'orders'",
                "auth.time == 5",
                "client.id.startsWith('a')",
                "user.realmRoles.exists(r, r == 'admin')",
                "size(user.realmRoles) > 0 && 'admin' in user.realmRoles",
                "true && 'admin' in user.realmRoles"
            })
    void guardWhenTheConditionDoesNotStartWithALiteralTestThenNone(String condition) {
        assertThat(guardOf(condition)).isNull();
    }

    @ParameterizedTest
    @MethodSource({
        "dev.apiguard.keycloak.abac.BenchmarkShapes#unindexed",
        "dev.apiguard.keycloak.abac.BenchmarkShapes#interpreted"
    })
    void guardWhenAShapeOfTheBenchmarksUnindexedOrInterpretedLayoutThenNone(String condition) {
        assertThat(guardOf(condition)).isNull();
    }

    @Test
    void decideWhenOneLiteralTestHoldsThenOnlyThatPolicyIsEvaluatedAndPermits() {
        PolicyInput.Builder input = request("demo", List.of("api-user"), List.of("engineering"), List.of());

        Decision decision = decide(input);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(decision.policy()).isEqualTo("api-users");
        assertThat(excluded(request("demo", List.of("api-user"), List.of("engineering"), List.of())))
                .containsExactly("admins", "no-lab", "sales", "blocked");
    }

    @Test
    void decideWhenNoLiteralTestHoldsThenDefaultDenyNamesTheFirstPermitAsIfEvaluated() {
        Decision decision = decide(request("demo", List.of(), List.of("engineering"), List.of()));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decision.policy()).isEqualTo("admins");
        assertThat(decision.onDeny()).isEqualTo(Policy.OnDeny.REFUSE); // from "admins", skipped by the index
        assertThat(decision.reason()).isEqualTo("default deny: permit condition is false");
        assertThat(excluded(request("demo", List.of(), List.of("engineering"), List.of())))
                .containsExactly("admins", "no-lab", "sales", "api-users", "blocked");
    }

    @Test
    void decideWhenSeveralPermitsHoldThenTheFirstInDocumentOrderDecides() {
        Decision decision = decide(request("demo", List.of("api-user", "admin"), List.of("sales"), List.of()));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(decision.policy()).isEqualTo("admins");
    }

    @Test
    void decideWhenADenyHoldsThenItOverridesAPermitThatHolds() {
        PolicyInput.Builder input = request("lab", List.of("admin"), List.of("sales"), List.of());

        Decision decision = decide(input);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decision.policy()).isEqualTo("no-lab");
        assertThat(decision.onDeny()).isEqualTo(Policy.OnDeny.REFUSE);
        assertThat(decision.reason()).isEqualTo("deny condition holds");
    }

    @Test
    void decideWhenTheLiteralTestOfADenyFailsThenThePermitDecides() {
        Decision decision = decide(request("demo", List.of("admin"), List.of("sales"), List.of()));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(decision.policy()).isEqualTo("admins");
    }

    @Test
    void decideWhenTheLiteralTestHoldsAndTheRestErrorsThenTheDenyFailsClosed() {
        // user.attributes has no "x": the rest of "blocked" is an error once its literal test holds.
        Decision decision = decide(request("demo", List.of("admin"), List.of("sales"), List.of("/blocked")));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decision.policy()).isEqualTo("blocked");
        assertThat(decision.reason()).startsWith("evaluation error (fails closed)");
    }

    @Test
    void decideWhenTheLiteralTestFailsAndTheRestWouldErrorThenFalseAsCelShortCircuits() {
        Decision decision = decide(request("demo", List.of("admin"), List.of("sales"), List.of("/other")));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
        assertThat(decision.policy()).isEqualTo("admins");
    }

    @Test
    void decideWhenTheIndexedAttributeIsUnboundThenItFailsClosedAsBefore() {
        Decision decision = decide(request("demo", null, List.of("engineering"), List.of()));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decision.policy()).isEqualTo("admins");
        assertThat(decision.reason())
                .isEqualTo("default deny: attribute user.realmRoles has no value for this request (fails closed)");
    }

    @Test
    void decideWhenTheIndexedValueHasAnotherTypeThenNotSkippedAndDecidedAsBefore() {
        List<Object> roles = new ArrayList<>(List.of("api-user"));
        roles.add(7);
        Map<Object, Object> attributes = Map.of("department", "sales", 1, List.of("x"));
        PolicyInput input = PolicyInput.builder()
                .value(PolicyVariables.CLIENT_ID, "demo")
                .value(PolicyVariables.REQUEST_SOURCE_IP, "10.1.2.3")
                .value(PolicyVariables.USER_EMAIL_VERIFIED, true)
                .value(PolicyVariables.USER_REALM_ROLES, roles)
                .value(PolicyVariables.USER_ATTRIBUTES, attributes)
                .value(PolicyVariables.USER_GROUPS, List.of())
                .build();

        assertThat(excluded(input)).doesNotContain("admins", "sales", "api-users");
        // Decided as without the index (checked in decide): CEL finds 'api-user' in a list that also holds 7.
        assertThat(decide(input).policy()).isEqualTo("api-users");
    }

    @Test
    void decideWhenTheFirstPermitHoldsThenLaterPoliciesAttributesAreNotRead() throws Exception {
        CompiledPolicies compiled = PolicyCompiler.compile(PolicyDocumentParser.parse("""
                {"apiVersion": "apiguard/v1", "protectedScopes": ["s"], "policies": [
                  {"name": "first", "scopes": ["s"], "effect": "permit", "condition": "client.id == 'c'"},
                  {"name": "second", "scopes": ["s"], "effect": "permit", "condition": "'/g' in user.groups"}]}
                """));
        AtomicInteger groupLookups = new AtomicInteger();
        PolicyInput input = PolicyInput.builder()
                .value(PolicyVariables.CLIENT_ID, "c")
                .lazy(PolicyVariables.USER_GROUPS, () -> {
                    groupLookups.incrementAndGet();
                    return List.of("/g");
                })
                .build();

        Decision decision = compiled.decide("s", "c", input, false);

        assertThat(decision.policy()).isEqualTo("first");
        assertThat(groupLookups).hasValue(0);
    }

    @Test
    void decideAllWhenSeveralScopesReadOneAttributeThenEachDecidedAsWithoutTheIndex() throws Exception {
        String document = """
                {"apiVersion": "apiguard/v1", "protectedScopes": ["a", "b", "c"], "policies": [
                  {"name": "pa", "scopes": ["a"], "effect": "permit", "condition": "'ra' in user.realmRoles"},
                  {"name": "pb", "scopes": ["b", "c"], "effect": "permit", "condition": "'rb' in user.realmRoles"},
                  {"name": "dc", "scopes": ["c"], "effect": "deny", "condition": "'rb' in user.realmRoles"}]}
                """;
        CompiledPolicies indexed = compile(document, true);
        CompiledPolicies reference = compile(document, false);

        for (List<String> roles : List.of(List.of("ra"), List.of("rb"), List.of("ra", "rb"), List.<String>of())) {
            Map<String, Decision> decisions = indexed.decideAll(
                    List.of("a", "b", "c"),
                    "x",
                    PolicyInput.builder()
                            .value(PolicyVariables.USER_REALM_ROLES, roles)
                            .build(),
                    false);
            assertThat(decisions)
                    .as("roles %s", roles)
                    .isEqualTo(reference.decideAll(
                            List.of("a", "b", "c"),
                            "x",
                            PolicyInput.builder()
                                    .value(PolicyVariables.USER_REALM_ROLES, roles)
                                    .build(),
                            false));
            assertThat(decisions.get("a").denied()).isEqualTo(!roles.contains("ra"));
            assertThat(decisions.get("c").denied()).isTrue();
        }
    }

    /** Decides "orders" with the index, checks that the decision is the one without it, and returns it. */
    private static Decision decide(PolicyInput.Builder input) {
        return decide(input.build());
    }

    private static Decision decide(PolicyInput first) {
        // A builder builds once: the same bindings are copied into a second input for the reference.
        PolicyInput second = copy(first);
        Decision decision = INDEXED.decide("orders", client(first), first, false);
        assertThat(decision).isEqualTo(REFERENCE.decide("orders", client(second), second, false));
        return decision;
    }

    private static String client(PolicyInput input) {
        return (String) input.find(PolicyVariables.CLIENT_ID).orElseThrow();
    }

    private static PolicyInput copy(PolicyInput input) {
        PolicyInput.Builder copy = PolicyInput.builder();
        for (String name : PolicyVariables.TYPES.keySet()) {
            input.find(name).ifPresent(value -> copy.value(name, value));
        }
        return copy.build();
    }

    /** The policies of {@link #DOCUMENT} the index rules out for the request. */
    private static List<String> excluded(PolicyInput.Builder builder) {
        return excluded(builder.build());
    }

    private static List<String> excluded(PolicyInput input) {
        Object[] lookups = INDEXED.index().newLookups();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < INDEXED.policies().size(); i++) {
            if (INDEXED.index()
                    .excludes(
                            i,
                            lookups,
                            slot -> input.find(PolicyInput.name(slot)).orElse(null))) {
                names.add(INDEXED.policies().get(i).policy().name());
            }
        }
        return names;
    }

    /** A request of {@code client} from 10.1.2.3 by a verified user; {@code roles} null leaves them unbound. */
    private static PolicyInput.Builder request(
            String client, List<String> roles, List<String> department, List<String> groups) {
        return PolicyInput.builder()
                .value(PolicyVariables.CLIENT_ID, client)
                .value(PolicyVariables.REQUEST_SOURCE_IP, "10.1.2.3")
                .value(PolicyVariables.USER_EMAIL_VERIFIED, true)
                .value(PolicyVariables.USER_REALM_ROLES, roles)
                .value(PolicyVariables.USER_ATTRIBUTES, Map.of("department", department))
                .value(PolicyVariables.USER_GROUPS, groups);
    }
}
