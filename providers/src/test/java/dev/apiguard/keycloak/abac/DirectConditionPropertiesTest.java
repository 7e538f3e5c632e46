package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectCondition} against the CEL interpreter, property-based with a seeded generator (no property-testing
 * library is in the build): random conditions of the recognised shapes (and some that are not, to exercise the
 * fallback), nested with {@code !}, {@code &&}, {@code ||}, decided on random inputs with unbound variables, missing
 * map keys, empty and multi-valued lists, empty strings, non-ASCII text, {@code null} elements and values of the
 * wrong type. Each case compares the whole {@link Decision} (outcome, policy, reason text) of a document compiled
 * with direct conditions against the same document left to the interpreter, for permit and deny policies, at the
 * token endpoint and (partial) at the authorization endpoint. A failure prints the seed, the condition and the input.
 */
class DirectConditionPropertiesTest {

    private static final long SEED = 0x5eed_a11ceL;
    private static final int CONDITIONS = 1_000;
    private static final int INPUTS_PER_CONDITION = 12;

    private static final List<String> STRINGS = List.of(
            "", "a", "A", "sales", "finance", "mfa", "api-user", "/sales", "/sales/emea", "10.", "é", "ß", "a b");
    private static final List<String> KEYS = List.of("department", "x", "cost-center", "");
    private static final List<String> STRING_VARS = List.of(
            PolicyVariables.USER_ID,
            PolicyVariables.USER_USERNAME,
            PolicyVariables.USER_EMAIL,
            PolicyVariables.CLIENT_ID,
            PolicyVariables.REQUEST_GRANT_TYPE,
            PolicyVariables.REQUEST_SOURCE_IP,
            PolicyVariables.SCOPE,
            PolicyVariables.AUTH_ACR);
    private static final List<String> LIST_VARS = List.of(
            PolicyVariables.USER_REALM_ROLES,
            PolicyVariables.USER_GROUPS,
            PolicyVariables.REQUEST_SCOPES,
            PolicyVariables.AUTH_AMR);
    private static final List<String> BOOL_VARS =
            List.of(PolicyVariables.USER_EMAIL_VERIFIED, PolicyVariables.USER_SERVICE_ACCOUNT);

    /** Shapes the direct form does not take: the interpreter must decide them, alone or inside a recognised tree. */
    private static final List<String> UNRECOGNISED = List.of(
            "size(user.realmRoles) > 1",
            "user.realmRoles.exists(r, r.startsWith('a'))",
            "now.getHours('Europe/Berlin') > 3",
            "now.getHours('UTC') > 9223372036854775807 + 1",
            "now.getFullYear() > 2000",
            "auth.time + 1 > 5",
            "user.username.matches('^a')",
            "auth.time > 1.5");

    @Test
    void decideWhenConditionHasADirectFormThenEveryDecisionEqualsTheInterpreters() throws Exception {
        Random random = new Random(SEED);
        int recognised = 0;
        int answeredDirectly = 0;
        int cases = 0;
        for (int c = 0; c < CONDITIONS; c++) {
            boolean onlyRecognisedShapes = random.nextInt(4) != 0;
            String condition = condition(random, 0, onlyRecognisedShapes);
            boolean deny = random.nextBoolean();
            String document = document(condition, deny);
            CompiledPolicies direct = PolicyCompiler.compile(PolicyDocumentParser.parse(document), true, false);
            CompiledPolicies interpreted = PolicyCompiler.compile(PolicyDocumentParser.parse(document), false, false);
            DirectCondition form = direct.policies().get(0).direct();
            if (onlyRecognisedShapes) {
                assertThat(form).as("recognised: %s", condition).isNotNull();
            }
            recognised += form == null ? 0 : 1;
            for (int i = 0; i < INPUTS_PER_CONDITION; i++) {
                long inputSeed = random.nextLong();
                Map<String, Object> bindings = bindings(new Random(inputSeed));
                for (boolean partial : new boolean[] {false, true}) {
                    Decision expected = interpreted.decide("s", "c", input(bindings), partial);
                    Decision actual = direct.decide("s", "c", input(bindings), partial);
                    assertThat(actual)
                            .as("seed %d, condition %s, input %s, partial %s", inputSeed, condition, bindings, partial)
                            .isEqualTo(expected);
                    cases++;
                }
                if (form != null && answered(form, direct.policies().get(0).variables(), bindings)) {
                    answeredDirectly++;
                }
            }
        }

        assertThat(cases).isEqualTo(CONDITIONS * INPUTS_PER_CONDITION * 2);
        // Not vacuous: most conditions have a direct form, and it answers a large share of the inputs by itself.
        assertThat(recognised).isGreaterThan(CONDITIONS / 2);
        assertThat(answeredDirectly).isGreaterThan(CONDITIONS * INPUTS_PER_CONDITION / 5);
    }

    /** Whether the direct form decided (rather than handing the input to the interpreter). */
    private static boolean answered(DirectCondition form, List<String> reads, Map<String, Object> bindings) {
        for (String variable : reads) {
            if (!variable.equals(PolicyVariables.SCOPE) && !bindings.containsKey(variable)) {
                return false; // the variable check before evaluation decides such inputs
            }
        }
        PolicyInput input = input(bindings);
        try {
            return form.evaluate(name -> PolicyVariables.SCOPE.equals(name) ? Optional.of("s") : input.find(name))
                    != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String document(String condition, boolean deny) {
        return OnePolicyDocument.of(condition, deny);
    }

    static PolicyInput input(Map<String, Object> bindings) {
        PolicyInput.Builder builder = PolicyInput.builder();
        bindings.forEach((name, value) -> builder.value(name, value));
        return builder.build();
    }

    // ---- conditions

    static String condition(Random random, int depth, boolean onlyRecognised) {
        int choice = random.nextInt(depth >= 3 ? 1 : 4);
        return switch (choice) {
            case 1 -> "!(" + condition(random, depth + 1, onlyRecognised) + ")";
            case 2 ->
                "(" + condition(random, depth + 1, onlyRecognised) + ") && ("
                        + condition(random, depth + 1, onlyRecognised) + ")";
            case 3 ->
                "(" + condition(random, depth + 1, onlyRecognised) + ") || ("
                        + condition(random, depth + 1, onlyRecognised) + ")";
            default -> leaf(random, onlyRecognised);
        };
    }

    private static String leaf(Random random, boolean onlyRecognised) {
        if (!onlyRecognised && random.nextInt(3) == 0) {
            return pick(random, UNRECOGNISED);
        }
        return switch (random.nextInt(12)) {
            case 0 -> literal(random) + " in " + listOperand(random);
            case 1 -> stringOperand(random) + (random.nextBoolean() ? " == " : " != ") + literal(random);
            case 2 -> literal(random) + (random.nextBoolean() ? " == " : " != ") + stringOperand(random);
            case 3 -> listOperand(random) + (random.nextBoolean() ? " == " : " != ") + listLiteral(random);
            case 4 -> stringOperand(random) + " in " + listLiteral(random);
            case 5 -> {
                String op = pick(random, List.of("==", "!=", "<", "<=", ">", ">="));
                long n = pick(random, List.of(0L, 1L, -1L, 1_767_261_600L, Long.MAX_VALUE, Long.MIN_VALUE));
                yield random.nextBoolean() ? "auth.time " + op + " " + n : n + " " + op + " auth.time";
            }
            case 6 ->
                stringOperand(random) + "." + pick(random, List.of("startsWith", "endsWith", "contains")) + "("
                        + literal(random) + ")";
            case 7 -> pick(random, BOOL_VARS);
            case 8 ->
                "has(" + pick(random, List.of("user.attributes.", "client.attributes."))
                        + pick(random, List.of("department", "x")) + ")";
            case 9 -> random.nextBoolean() ? "true" : "false";
            case 10 -> {
                String part = pick(random, List.of("getHours", "getMinutes", "getDayOfWeek"))
                        + pick(random, List.of("()", "('UTC')"));
                String op = pick(random, List.of("==", "!=", "<", "<=", ">", ">="));
                String n = pick(random, List.of("0", "3", "12", "23", "59", "6", "24 + 3", "30 - 40", "-1"));
                yield random.nextBoolean() ? "now." + part + " " + op + " " + n : n + " " + op + " now." + part;
            }
            default -> listLiteral(random) + " == " + listOperand(random);
        };
    }

    static String stringOperand(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> "client.attributes." + pick(random, List.of("department", "x"));
            case 1 -> "client.attributes[" + literalOf(pick(random, KEYS)) + "]";
            default -> pick(random, STRING_VARS);
        };
    }

    static String listOperand(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "user.attributes." + pick(random, List.of("department", "x"));
            case 1 -> "user.attributes[" + literalOf(pick(random, KEYS)) + "]";
            case 2 -> "user.clientRoles[" + literalOf(pick(random, List.of("orders-api", "c", ""))) + "]";
            default -> pick(random, LIST_VARS);
        };
    }

    static String listLiteral(Random random) {
        int size = random.nextInt(4);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            elements.add(literal(random));
        }
        return "[" + String.join(", ", elements) + "]";
    }

    static String literal(Random random) {
        return literalOf(pick(random, STRINGS));
    }

    private static String literalOf(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // ---- inputs

    static Map<String, Object> bindings(Random random) {
        Map<String, Object> bindings = new LinkedHashMap<>();
        for (String name : PolicyVariables.TYPES.keySet()) {
            if (name.equals(PolicyVariables.SCOPE) || random.nextInt(10) == 0) {
                continue; // unbound (scope is bound by the decision itself)
            }
            Object value = wrongType(random) ? wrong(random) : proper(random, name);
            if (value != null) {
                bindings.put(name, value);
            }
        }
        return bindings;
    }

    private static boolean wrongType(Random random) {
        return random.nextInt(8) == 0;
    }

    private static Object proper(Random random, String name) {
        return switch (name) {
            case PolicyVariables.USER_EMAIL_VERIFIED, PolicyVariables.USER_SERVICE_ACCOUNT -> random.nextBoolean();
            case PolicyVariables.USER_ATTRIBUTES, PolicyVariables.USER_CLIENT_ROLES -> listMap(random);
            case PolicyVariables.CLIENT_ATTRIBUTES -> stringMap(random);
            case PolicyVariables.USER_REALM_ROLES,
                    PolicyVariables.USER_GROUPS,
                    PolicyVariables.REQUEST_SCOPES,
                    PolicyVariables.AUTH_AMR -> strings(random);
            case PolicyVariables.AUTH_TIME -> pick(random, List.of(0L, 1L, -1L, 1_767_261_600L, 1_767_261_601L));
            case PolicyVariables.NOW -> Instant.ofEpochSecond(1_767_261_600L + random.nextInt(7 * 86_400));
            default -> pick(random, STRINGS);
        };
    }

    /** A value of another type than declared, or a container holding one. */
    private static Object wrong(Random random) {
        return pick(
                        random,
                        List.<Supplier<Object>>of(
                                () -> 5,
                                () -> 5L,
                                () -> 1.5,
                                () -> "5",
                                () -> true,
                                () -> List.of("a", "sales"),
                                () -> listWith(5),
                                () -> listWith(null),
                                () -> Map.of("department", "sales"),
                                () -> Map.of(1, List.of("a")),
                                () -> new TreeMap<>(Map.of(1, "x"))))
                .get();
    }

    private static List<Object> listWith(Object odd) {
        List<Object> list = new ArrayList<>();
        list.add("sales");
        list.add(odd);
        return list;
    }

    private static List<Object> strings(Random random) {
        List<Object> list = new ArrayList<>();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
            list.add(random.nextInt(12) == 0 ? (random.nextBoolean() ? null : (Object) 7) : pick(random, STRINGS));
        }
        return list;
    }

    private static Map<Object, Object> listMap(Random random) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (String key : List.of("department", "x", "cost-center", "", "orders-api", "c")) {
            if (random.nextInt(3) == 0) {
                continue; // a missing key
            }
            int odd = random.nextInt(16);
            map.put(key, odd == 0 ? "sales" : odd == 1 ? null : strings(random));
        }
        if (random.nextInt(16) == 0) {
            map.put(1, List.of("a"));
        }
        return map;
    }

    private static Map<Object, Object> stringMap(Random random) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            int odd = random.nextInt(16);
            map.put(key, odd == 0 ? List.of("a") : odd == 1 ? null : odd == 2 ? 5 : pick(random, STRINGS));
        }
        return map;
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
