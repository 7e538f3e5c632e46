package dev.apiguard.keycloak.abac;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, with one hash lookup per request and attribute, the policies whose condition cannot hold, so that they are
 * not evaluated (a {@link MembershipList} not yet built is asked instead for the literal of each policy reached, one
 * membership check each). Built when the document is compiled, from each condition's {@link Guard}: the literal test the
 * condition starts with, alone or as the leftmost operand of {@code &&}:
 *
 * <ul>
 *   <li>{@code 'literal' in L}, L a list of strings: a list variable ({@code user.realmRoles}, {@code user.groups},
 *       {@code request.scopes}, {@code auth.amr}) or a map variable read with a literal key
 *       ({@code user.attributes.k}, {@code user.clientRoles['c']});</li>
 *   <li>{@code S == 'literal'} (either side) and {@code S in ['a', 'b']}, S a string: a string variable other than
 *       {@code scope}, or {@code client.attributes['k']};</li>
 *   <li>{@code L == ['a', 'b']} (either side), attribute equality.</li>
 * </ul>
 *
 * <p>Why skipping is exact: CEL evaluates {@code a && b} from the left and, {@code a} being false, answers false
 * without evaluating {@code b} (cel-java's interpreter with short-circuiting, which {@link PolicyCompiler} sets);
 * a {@link DirectCondition} answers false too, or leaves the condition to that interpreter. A guard counts only when
 * the request's value has exactly its declared Java type ({@link String}; a {@link List} of strings; for a map read,
 * a {@link Map} with string keys only that holds the key): then the interpreter evaluates the test without error,
 * to the value the index gives. Any other value (a missing key, a {@code null}, another type, a map that cannot be
 * read) leaves every policy of that guard to be evaluated as before. {@link CompiledPolicies} asks the index only
 * after the check that every variable the condition reads is bound, so a missing attribute fails closed as before,
 * and only for a policy the decision reaches, so attributes are read when they were read before, and no other.
 * {@code PolicyIndexPropertiesTest} decides random documents with and without the index.
 *
 * <p>Immutable and thread-safe; the per-request state is the {@code Object[]} of {@link #newLookups()}.
 */
final class PolicyIndex {

    /** No policy indexed: every condition is evaluated. */
    static final PolicyIndex NONE = new PolicyIndex(List.of());

    private static final CelType STRINGS = ListType.create(SimpleType.STRING);
    private static final String AND = Operator.LOGICAL_AND.getFunction();
    private static final String IN = Operator.IN.getFunction();
    private static final String EQUALS = Operator.EQUALS.getFunction();
    private static final String INDEX = Operator.INDEX.getFunction();
    private static final int SCOPE_SLOT = PolicyInput.slot(PolicyVariables.SCOPE);

    /** A lookup whose value is not of the declared type: no policy of that guard may be skipped. */
    private static final Object UNKNOWN = new Object();

    /**
     * The literal test a condition starts with.
     *
     * @param slot the variable it reads ({@link PolicyInput#slot(String)})
     * @param key the key read from that map variable, or null for the variable itself
     * @param contains true for {@code 'literal' in list} (one literal); false for {@code value == literal} or
     *     {@code value in [literals]}
     * @param list whether the value read is a list of strings (else a string)
     * @param literals the literals that make the test hold: strings, or lists of strings
     */
    record Guard(int slot, String key, boolean contains, boolean list, Set<Object> literals) {

        Guard {
            literals = Set.copyOf(literals);
        }

        /** What the index groups guards by: the value read and how it is compared. */
        private List<Object> groupKey() {
            return Arrays.asList(slot, key, contains);
        }
    }

    private final Key[] keys;
    /** For each policy (by its position in the document), its key in {@link #keys}, or -1 when it has none. */
    private final int[] keyOfPolicy;
    /** For each policy whose guard is {@code 'literal' in list}, that literal; else null. */
    private final Object[] containedLiteral;

    /** @param guards each policy's guard, in document order; null for a policy without one */
    PolicyIndex(List<Guard> guards) {
        int words = (guards.size() + 63) / 64;
        Map<List<Object>, Integer> keyIds = new LinkedHashMap<>();
        List<Map<Object, long[]>> literals = new ArrayList<>();
        List<Guard> firsts = new ArrayList<>();
        this.keyOfPolicy = new int[guards.size()];
        this.containedLiteral = new Object[guards.size()];
        for (int policy = 0; policy < guards.size(); policy++) {
            Guard guard = guards.get(policy);
            if (guard == null) {
                keyOfPolicy[policy] = -1;
                continue;
            }
            int id = keyIds.computeIfAbsent(guard.groupKey(), k -> keyIds.size());
            if (id == literals.size()) {
                literals.add(new HashMap<>());
                firsts.add(guard);
            }
            keyOfPolicy[policy] = id;
            if (guard.contains() && guard.literals().size() == 1) {
                containedLiteral[policy] = guard.literals().iterator().next();
            }
            for (Object literal : guard.literals()) {
                long[] bits = literals.get(id).computeIfAbsent(literal, l -> new long[words]);
                bits[policy >>> 6] |= 1L << policy;
            }
        }
        this.keys = new Key[literals.size()];
        for (int id = 0; id < keys.length; id++) {
            Guard guard = firsts.get(id);
            keys[id] = new Key(guard.slot(), guard.key(), guard.contains(), guard.list(), Map.copyOf(literals.get(id)));
        }
    }

    /** How many distinct guards (value read, comparison) the index holds. */
    int size() {
        return keys.length;
    }

    /** The per-request state: one lookup per key, made when a policy of that key is first reached. */
    Object[] newLookups() {
        return new Object[keys.length];
    }

    /** The key of the policy at {@code policy} (its position in the document), or -1 when it has no guard. */
    int keyOf(int policy) {
        return keys.length == 0 ? -1 : keyOfPolicy[policy];
    }

    /**
     * Whether the condition of the policy at {@code policy} (its position in the document) is false for this
     * request because its guard is. Call only when every variable the condition reads is bound.
     */
    boolean excludes(int policy, Object[] lookups, DirectCondition.Values values) {
        return excludes(keyOf(policy), policy, lookups, values);
    }

    /** As {@link #excludes(int, Object[], DirectCondition.Values)}, with the policy's {@link #keyOf key}. */
    boolean excludes(int key, int policy, Object[] lookups, DirectCondition.Values values) {
        if (key < 0) {
            return false;
        }
        Object lookup = lookups[key];
        if (lookup == null) {
            Key guard = keys[key];
            if (guard.contains
                    && guard.key == null
                    && values.get(guard.slot) instanceof MembershipList members
                    && !members.isBuilt()) {
                // A list answered by a membership check (the user's realm roles): only the literal of this policy is
                // asked, as its condition would ask it; building the list to look up every literal would cost more.
                Object literal = containedLiteral[policy];
                return literal != null && !members.contains(literal);
            }
            lookup = guard.lookup(values);
            lookups[key] = lookup;
        }
        if (lookup == UNKNOWN) {
            return false;
        }
        long[] holds = (long[]) lookup;
        int word = policy >>> 6;
        return word >= holds.length || (holds[word] & (1L << policy)) == 0;
    }

    /**
     * The policies of one guard, by literal.
     *
     * @param byLiteral each literal that makes the test hold, and the policies (bits by position) it holds for
     */
    private record Key(int slot, String key, boolean contains, boolean list, Map<Object, long[]> byLiteral) {

        /** No policy's test holds (a bit set of no words). */
        private static final long[] NONE_HOLDS = new long[0];

        /** The policies whose test holds for this request (bits), or {@link #UNKNOWN}. */
        Object lookup(DirectCondition.Values values) {
            Object value;
            try {
                value = read(values.get(slot));
                if (value == null) {
                    return UNKNOWN;
                }
                if (!contains) {
                    long[] bits = byLiteral.get(value);
                    return bits == null ? NONE_HOLDS : bits;
                }
                long[] union = null;
                for (Object element : (List<?>) value) {
                    long[] bits = byLiteral.get(element);
                    if (bits != null) {
                        union = union == null ? bits.clone() : or(union, bits);
                    }
                }
                return union == null ? NONE_HOLDS : union;
            } catch (RuntimeException e) {
                // A map or list of the request that cannot be read as expected (a comparator refusing a string key,
                // ...): the conditions are evaluated, and fail closed there if they must.
                return UNKNOWN;
            }
        }

        /** The value the test reads when it has its declared type, else null. */
        private Object read(Object variable) {
            Object value = variable;
            if (key != null) {
                if (!(variable instanceof Map<?, ?> map) || DirectCondition.hasNonStringKey(map)) {
                    return null;
                }
                value = map.get(key);
            }
            if (list) {
                return DirectCondition.isStrings(value) ? value : null;
            }
            return value instanceof String ? value : null;
        }

        private static long[] or(long[] into, long[] bits) {
            for (int i = 0; i < into.length; i++) {
                into[i] |= bits[i];
            }
            return into;
        }
    }

    /** The guard of a type-checked condition, or null when it does not start with a literal test this index takes. */
    static Guard guard(CelAbstractSyntaxTree ast) {
        if (!ast.isChecked()) {
            return null;
        }
        CelExpr leaf = ast.getExpr();
        while (isCall(leaf, AND)) {
            leaf = leaf.call().args().get(0);
        }
        if (isCall(leaf, IN)) {
            CelExpr element = leaf.call().args().get(0);
            CelExpr container = leaf.call().args().get(1);
            if (DirectCondition.isString(element) && STRINGS.equals(type(ast, container))) {
                return guard(
                        ast, container, true, true, Set.of(element.constant().stringValue()));
            }
            List<String> literals = DirectCondition.stringList(container);
            if (literals != null && SimpleType.STRING.equals(type(ast, element))) {
                return guard(ast, element, false, false, Set.copyOf(literals));
            }
            return null;
        }
        if (isCall(leaf, EQUALS)) {
            Guard guard =
                    equality(ast, leaf.call().args().get(0), leaf.call().args().get(1));
            return guard != null
                    ? guard
                    : equality(
                            ast, leaf.call().args().get(1), leaf.call().args().get(0));
        }
        return null;
    }

    private static Guard equality(CelAbstractSyntaxTree ast, CelExpr operand, CelExpr literal) {
        CelType type = type(ast, operand);
        if (SimpleType.STRING.equals(type) && DirectCondition.isString(literal)) {
            return guard(ast, operand, false, false, Set.of(literal.constant().stringValue()));
        }
        List<String> list = DirectCondition.stringList(literal);
        if (STRINGS.equals(type) && list != null) {
            return guard(ast, operand, false, true, Set.of(list));
        }
        return null;
    }

    /** A guard reading {@code operand}: a variable, or a map variable read with a literal key; else null. */
    private static Guard guard(
            CelAbstractSyntaxTree ast, CelExpr operand, boolean contains, boolean list, Set<Object> literals) {
        CelExpr variable = operand;
        String key = null;
        if (operand.getKind() == CelExpr.ExprKind.Kind.SELECT
                && !operand.select().testOnly()) {
            variable = operand.select().operand();
            key = operand.select().field();
        } else if (operand.getKind() == CelExpr.ExprKind.Kind.CALL
                && operand.call().target().isEmpty()
                && operand.call().function().equals(INDEX)
                && operand.call().args().size() == 2
                && DirectCondition.isString(operand.call().args().get(1))) {
            variable = operand.call().args().get(0);
            key = operand.call().args().get(1).constant().stringValue();
        }
        if (variable.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return null;
        }
        int slot = PolicyInput.slot(variable.ident().name());
        if (slot < 0 || slot == SCOPE_SLOT || (key != null && !(type(ast, variable) instanceof MapType))) {
            // The decided scope differs between the scopes of one request: never indexed.
            return null;
        }
        return new Guard(slot, key, contains, list, literals);
    }

    private static boolean isCall(CelExpr expr, String function) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CALL
                && expr.call().target().isEmpty()
                && expr.call().function().equals(function)
                && expr.call().args().size() == 2;
    }

    private static CelType type(CelAbstractSyntaxTree ast, CelExpr expr) {
        return ast.getType(expr.id()).orElse(null);
    }
}
