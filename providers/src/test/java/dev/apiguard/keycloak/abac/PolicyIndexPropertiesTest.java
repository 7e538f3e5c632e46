package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.common.JsonFuzz;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyIndex} against evaluating every condition, property-based with a seeded generator (as
 * {@link DirectConditionPropertiesTest}, whose conditions and inputs it reuses): random documents of up to eight
 * policies over three scopes (permit and deny, drop and refuse, some for one client only, some sharing a condition,
 * some reading {@code scope}), most conditions starting with a literal test the index takes ({@code 'x' in list},
 * {@code s == 'x'}, {@code 'x' == s}, {@code s in ['x', 'y']}, {@code list == ['x']}, either alone or followed by
 * {@code && rest}, the rest any condition, also one that the interpreter alone decides or that errors), others
 * starting elsewhere ({@code rest && test}, {@code test || rest}, {@code !test}). Each document is decided for random
 * requests (unbound variables, missing keys, values of the wrong type), at the token endpoint and (partial) at the
 * authorization endpoint, for random lists of requested scopes. The whole answer of {@code decideAll} (every
 * {@link Decision}, reason text included) with the index must equal the one without it, with direct conditions and
 * with the interpreter alone. A failure prints the seed, the document and the input.
 */
class PolicyIndexPropertiesTest {

    private static final long SEED = 0x1dec_5eedL;
    private static final int DOCUMENTS = 600;
    private static final int INPUTS_PER_DOCUMENT = 10;
    private static final List<String> SCOPES = List.of("s1", "s2", "s3");

    @Test
    void decideAllWhenPoliciesAreIndexedThenEveryDecisionEqualsEvaluatingEveryCondition() throws Exception {
        Random random = new Random(SEED);
        int guarded = 0;
        int policies = 0;
        int excluded = 0;
        int cases = 0;
        for (int d = 0; d < DOCUMENTS; d++) {
            String document = document(random);
            PolicyDocument parsed = PolicyDocumentParser.parse(document);
            CompiledPolicies reference = PolicyCompiler.compile(parsed, false, false);
            CompiledPolicies indexed = PolicyCompiler.compile(parsed, true, true);
            CompiledPolicies indexedInterpreted = PolicyCompiler.compile(parsed, false, true);
            for (CompiledPolicies.CompiledPolicy policy : indexed.policies()) {
                policies++;
                guarded += policy.guard() == null ? 0 : 1;
            }
            for (int i = 0; i < INPUTS_PER_DOCUMENT; i++) {
                long inputSeed = random.nextLong();
                Map<String, Object> bindings = DirectConditionPropertiesTest.bindings(new Random(inputSeed));
                List<String> requested = requested(new Random(inputSeed));
                String client = new Random(inputSeed).nextBoolean() ? "c" : "other";
                for (boolean partial : new boolean[] {false, true}) {
                    Map<String, Decision> expected = reference.decideAll(
                            requested, client, DirectConditionPropertiesTest.input(bindings), partial);
                    String why = "seed %d, document %s, input %s, scopes %s, client %s, partial %s"
                            .formatted(inputSeed, document, bindings, requested, client, partial);
                    assertThat(indexed.decideAll(
                                    requested, client, DirectConditionPropertiesTest.input(bindings), partial))
                            .as(why)
                            .isEqualTo(expected);
                    assertThat(indexedInterpreted.decideAll(
                                    requested, client, DirectConditionPropertiesTest.input(bindings), partial))
                            .as(why)
                            .isEqualTo(expected);
                    // The user's realm roles as the server gives them: a list answered by a membership check.
                    assertThat(indexed.decideAll(requested, client, membershipInput(bindings), partial))
                            .as("membership list, " + why)
                            .isEqualTo(expected);
                    assertThat(indexedInterpreted.decideAll(requested, client, membershipInput(bindings), partial))
                            .as("membership list, " + why)
                            .isEqualTo(expected);
                    cases++;
                }
                excluded += excluded(indexed, bindings);
            }
        }

        assertThat(cases).isEqualTo(DOCUMENTS * INPUTS_PER_DOCUMENT * 2);
        // Not vacuous: most policies are indexed, and the index rules out a good share of them for the inputs.
        assertThat(guarded).isGreaterThan(policies / 2);
        assertThat(excluded).isGreaterThan(guarded * INPUTS_PER_DOCUMENT / 5);
    }

    /**
     * The input of {@code bindings} with a list of strings for {@code user.realmRoles} given as a {@link
     * MembershipList} (membership from a set, the list built only on other reads), as {@code ScopePolicyInputs} gives
     * it.
     */
    private static PolicyInput membershipInput(Map<String, Object> bindings) {
        PolicyInput.Builder builder = PolicyInput.builder();
        bindings.forEach((name, value) -> {
            if (name.equals(PolicyVariables.USER_REALM_ROLES) && DirectCondition.isStrings(value)) {
                List<String> names =
                        ((List<?>) value).stream().map(String.class::cast).toList();
                java.util.Set<String> members = java.util.Set.copyOf(names);
                builder.value(name, new MembershipList(members::contains, () -> names));
            } else {
                builder.value(name, value);
            }
        });
        return builder.build();
    }

    /** How many policies the index rules out for this input (whether or not a decision reaches them). */
    private static int excluded(CompiledPolicies compiled, Map<String, Object> bindings) {
        PolicyInput input = DirectConditionPropertiesTest.input(bindings);
        Object[] lookups = compiled.index().newLookups();
        int count = 0;
        for (int i = 0; i < compiled.policies().size(); i++) {
            if (compiled.index()
                    .excludes(
                            i,
                            lookups,
                            slot -> input.find(PolicyInput.name(slot)).orElse(null))) {
                count++;
            }
        }
        return count;
    }

    private static String document(Random random) {
        List<String> protectedScopes = new ArrayList<>();
        for (String scope : SCOPES) {
            if (random.nextInt(3) != 0) {
                protectedScopes.add(JsonFuzz.quote(scope));
            }
        }
        int size = 1 + random.nextInt(8);
        List<String> conditions = new ArrayList<>();
        StringBuilder policies = new StringBuilder();
        for (int p = 0; p < size; p++) {
            String condition = !conditions.isEmpty() && random.nextInt(8) == 0
                    ? DirectConditionPropertiesTest.pick(random, conditions) // shared: evaluated once per request
                    : condition(random);
            conditions.add(condition);
            List<String> scopes =
                    new ArrayList<>(List.of(JsonFuzz.quote(DirectConditionPropertiesTest.pick(random, SCOPES))));
            if (random.nextInt(4) == 0) {
                String other = DirectConditionPropertiesTest.pick(random, SCOPES);
                if (!scopes.contains(JsonFuzz.quote(other))) {
                    scopes.add(JsonFuzz.quote(other));
                }
            }
            String clients = random.nextInt(4) == 0 ? ", \"clients\": [\"c\"]" : "";
            policies.append(p == 0 ? "" : ", ")
                    .append("{\"name\": \"p")
                    .append(p)
                    .append("\", \"scopes\": [")
                    .append(String.join(", ", scopes))
                    .append("]")
                    .append(clients)
                    .append(", \"effect\": \"")
                    .append(random.nextInt(3) == 0 ? "deny" : "permit")
                    .append("\", \"onDeny\": \"")
                    .append(random.nextBoolean() ? "drop" : "refuse")
                    .append("\", \"condition\": ")
                    .append(JsonFuzz.quote(condition))
                    .append("}");
        }
        return "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [" + String.join(", ", protectedScopes)
                + "], \"policies\": [" + policies + "]}";
    }

    private static String condition(Random random) {
        String test = literalTest(random);
        String rest = DirectConditionPropertiesTest.condition(random, 1, random.nextBoolean());
        return switch (random.nextInt(10)) {
            case 0, 1 -> test;
            case 2, 3, 4 -> test + " && (" + rest + ")";
            case 5 -> "(" + test + " && " + literalTest(random) + ") && (" + rest + ")";
            case 6 -> "(" + rest + ") && " + test;
            case 7 -> test + " || (" + rest + ")";
            case 8 -> "!(" + test + ")";
            default -> rest;
        };
    }

    /** A literal test of a shape the index takes (unless its operand is {@code scope}). */
    private static String literalTest(Random random) {
        return switch (random.nextInt(6)) {
            case 0 ->
                DirectConditionPropertiesTest.literal(random) + " in "
                        + DirectConditionPropertiesTest.listOperand(random);
            case 1 ->
                DirectConditionPropertiesTest.stringOperand(random) + " == "
                        + DirectConditionPropertiesTest.literal(random);
            case 2 ->
                DirectConditionPropertiesTest.literal(random) + " == "
                        + DirectConditionPropertiesTest.stringOperand(random);
            case 3 ->
                DirectConditionPropertiesTest.stringOperand(random) + " in "
                        + DirectConditionPropertiesTest.listLiteral(random);
            case 4 ->
                DirectConditionPropertiesTest.listOperand(random) + " == "
                        + DirectConditionPropertiesTest.listLiteral(random);
            default ->
                DirectConditionPropertiesTest.listLiteral(random) + " == "
                        + DirectConditionPropertiesTest.listOperand(random);
        };
    }

    private static List<String> requested(Random random) {
        List<String> scopes = new ArrayList<>();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            scopes.add(DirectConditionPropertiesTest.pick(random, List.of("s1", "s2", "s3", "s1", "openid")));
        }
        return scopes;
    }
}
