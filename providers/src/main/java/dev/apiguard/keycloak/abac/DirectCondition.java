package dev.apiguard.keycloak.abac;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A condition made only of common shapes, evaluated without the CEL interpreter. Recognised when the document is
 * compiled (from the type-checked AST), never per request:
 *
 * <ul>
 *   <li>operands: a variable; a map variable read with a literal key ({@code user.attributes.department},
 *       {@code user.attributes['cost-center']}, {@code client.attributes['tier']},
 *       {@code user.clientRoles['orders-api']});</li>
 *   <li>equality: a string operand {@code ==}/{@code !=} a string literal; a list-of-strings operand
 *       {@code ==}/{@code !=} a list literal of strings; an int operand compared ({@code == != < <= > >=}) with an
 *       int literal;</li>
 *   <li>membership: a string literal {@code in} a list-of-strings operand (role, group, scope, multi-valued
 *       attribute checks); a string operand {@code in} a list literal of strings; {@code has()} of a map key;</li>
 *   <li>{@code startsWith}, {@code endsWith}, {@code contains} of a string operand with a string literal;</li>
 *   <li>time of day: {@code now.getHours()}, {@code getMinutes()}, {@code getDayOfWeek()} (no time zone, or
 *       {@code 'UTC'}) compared with an int literal; int literals may be summed ({@code 24 + 7});</li>
 *   <li>a bool operand; {@code true}, {@code false}; {@code !}, {@code &&}, {@code ||} over the above.</li>
 * </ul>
 *
 * <p>Anything else (arithmetic on variables, other time zones and timestamp functions, macros, functions, other
 * types) is not recognised, and the policy is
 * evaluated by the interpreter only.
 *
 * <p>Fail closed, by deferring: every leaf is evaluated (no short-circuit), and each answers only when the request's
 * values have exactly the Java types the declarations promise ({@link String}, {@link Boolean}, {@link Long}, a
 * {@link List} of strings, a {@link Map} holding the key). A missing map key, a {@code null}, a wrong type anywhere
 * makes {@link #evaluateBySlot} return {@code null}, and the caller evaluates the condition with the interpreter, which
 * then produces its own result, error message included. So a direct answer is given only where the interpreter
 * evaluates every sub-expression without error, and there the two agree by construction;
 * {@code DirectConditionPropertiesTest} checks both on random conditions and random inputs.
 */
final class DirectCondition {

    private static final CelType STRINGS = ListType.create(SimpleType.STRING);
    private static final String AND = Operator.LOGICAL_AND.getFunction();
    private static final String OR = Operator.LOGICAL_OR.getFunction();
    private static final String NOT = Operator.LOGICAL_NOT.getFunction();
    private static final String EQUALS = Operator.EQUALS.getFunction();
    private static final String NOT_EQUALS = Operator.NOT_EQUALS.getFunction();
    private static final String LESS = Operator.LESS.getFunction();
    private static final String LESS_EQUALS = Operator.LESS_EQUALS.getFunction();
    private static final String GREATER = Operator.GREATER.getFunction();
    private static final String GREATER_EQUALS = Operator.GREATER_EQUALS.getFunction();
    private static final String IN = Operator.IN.getFunction();
    private static final String INDEX = Operator.INDEX.getFunction();
    private static final String ADD = Operator.ADD.getFunction();
    private static final String SUBTRACT = Operator.SUBTRACT.getFunction();

    /** The values of one decision, by {@link PolicyInput#slot(String)}: null for a variable without a value. */
    interface Values {
        Object get(int slot);
    }

    /** A boolean sub-expression: {@link #TRUE}, {@link #FALSE} or {@link #UNDECIDED}. */
    private interface Node {
        int eval(Values variables);
    }

    /** A value sub-expression: the value, or {@link #NO_VALUE}. */
    private interface Operand {
        Object value(Values variables);
    }

    private static final int FALSE = 0;
    private static final int TRUE = 1;
    private static final int UNDECIDED = 2;
    private static final Object NO_VALUE = new Object();

    private final Node root;

    private DirectCondition(Node root) {
        this.root = root;
    }

    /** The direct form of a type-checked condition, or empty when any part of it is not a recognised shape. */
    static Optional<DirectCondition> of(CelAbstractSyntaxTree ast) {
        if (!ast.isChecked()) {
            return Optional.empty();
        }
        Node root = new Recogniser(ast).bool(ast.getExpr());
        return root == null ? Optional.empty() : Optional.of(new DirectCondition(root));
    }

    /**
     * The condition's value for a request whose every variable the condition reads is bound, or {@code null} when
     * the interpreter must decide (a value is missing or not of its declared type).
     */
    Boolean evaluateBySlot(Values variables) {
        return switch (root.eval(variables)) {
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    /** As {@link #evaluateBySlot(Values)}, reading the variables by name (tests). */
    Boolean evaluate(CelVariableResolver variables) {
        return evaluateBySlot(slot -> variables.find(PolicyInput.name(slot)).orElse(null));
    }

    private static int of(boolean value) {
        return value ? TRUE : FALSE;
    }

    static boolean hasNonStringKey(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return true;
            }
        }
        return false;
    }

    static boolean isString(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE;
    }

    /** A list literal of string constants, or null. */
    static List<String> stringList(CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.LIST
                || !expr.list().optionalIndices().isEmpty()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (CelExpr element : expr.list().elements()) {
            if (!isString(element)) {
                return null;
            }
            values.add(element.constant().stringValue());
        }
        return List.copyOf(values);
    }

    /**
     * Whether {@code value} is a list holding strings only (a null element or another type: no). A {@link
     * MembershipList} holds names only, and is not built to find that out.
     */
    static boolean isStrings(Object value) {
        if (value instanceof MembershipList) {
            return true;
        }
        if (!(value instanceof List<?> list)) {
            return false;
        }
        for (Object element : list) {
            if (!(element instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A part of an instant's time in UTC, as CEL's {@code getHours}, {@code getMinutes} and {@code getDayOfWeek}
     * (0 is Sunday) give it. Computed from the epoch second, without allocating; equal to {@code java.time}'s answer
     * ({@code DirectConditionTest}), which is used for an instant outside {@link LocalDateTime}'s range (where it
     * throws, and the interpreter decides, as before).
     */
    enum TimePart {
        HOURS,
        MINUTES,
        DAY_OF_WEEK;

        private static final long FIRST_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
        private static final long LAST_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);
        private static final int SECONDS_PER_DAY = 86_400;
        /** 1970-01-01, day 0 of the epoch, was a Thursday: CEL's day 4. */
        private static final int EPOCH_DAY_OF_WEEK = 4;

        long utc(Instant instant) {
            long second = instant.getEpochSecond();
            if (second < FIRST_SECOND || second > LAST_SECOND) {
                return javaTime(instant);
            }
            return switch (this) {
                case HOURS -> Math.floorMod(second, SECONDS_PER_DAY) / 3_600;
                case MINUTES -> Math.floorMod(second, 3_600) / 60;
                case DAY_OF_WEEK -> Math.floorMod(Math.floorDiv(second, SECONDS_PER_DAY) + EPOCH_DAY_OF_WEEK, 7);
            };
        }

        /** The same part through {@code java.time}. */
        long javaTime(Instant instant) {
            ZonedDateTime time = instant.atZone(ZoneOffset.UTC);
            return switch (this) {
                case HOURS -> time.getHour();
                case MINUTES -> time.getMinute();
                // CEL: 0 is Sunday; java.time: 7 is Sunday.
                case DAY_OF_WEEK -> time.getDayOfWeek().getValue() % 7;
            };
        }
    }

    /** Builds nodes from the checked AST; every method returns null for a shape it does not recognise. */
    private static final class Recogniser {
        private final CelAbstractSyntaxTree ast;

        Recogniser(CelAbstractSyntaxTree ast) {
            this.ast = ast;
        }

        private CelType type(CelExpr expr) {
            return ast.getType(expr.id()).orElse(null);
        }

        Node bool(CelExpr expr) {
            switch (expr.getKind()) {
                case CONSTANT -> {
                    if (expr.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE) {
                        int value = of(expr.constant().booleanValue());
                        return variables -> value;
                    }
                    return null;
                }
                case IDENT, SELECT -> {
                    if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT
                            && expr.select().testOnly()) {
                        return has(expr.select());
                    }
                    if (!SimpleType.BOOL.equals(type(expr))) {
                        return null;
                    }
                    Operand operand = operand(expr);
                    if (operand == null) {
                        return null;
                    }
                    return variables -> operand.value(variables) instanceof Boolean b ? of(b) : UNDECIDED;
                }
                case CALL -> {
                    return call(expr);
                }
                default -> {
                    return null;
                }
            }
        }

        private Node call(CelExpr expr) {
            CelExpr.CelCall call = expr.call();
            String function = call.function();
            List<CelExpr> args = call.args();
            if (call.target().isPresent()) {
                return stringFunction(call);
            }
            if (function.equals(AND) || function.equals(OR)) {
                List<Node> parts = new ArrayList<>();
                for (CelExpr arg : args) {
                    Node part = bool(arg);
                    if (part == null) {
                        return null;
                    }
                    parts.add(part);
                }
                return function.equals(AND) ? and(parts.toArray(Node[]::new)) : or(parts.toArray(Node[]::new));
            }
            if (function.equals(NOT) && args.size() == 1) {
                Node inner = bool(args.get(0));
                if (inner == null) {
                    return null;
                }
                return variables -> {
                    int value = inner.eval(variables);
                    return value == UNDECIDED ? UNDECIDED : 1 - value;
                };
            }
            if (args.size() != 2) {
                return null;
            }
            if (function.equals(EQUALS) || function.equals(NOT_EQUALS)) {
                Node equality = equality(args.get(0), args.get(1));
                if (equality == null) {
                    equality = equality(args.get(1), args.get(0));
                }
                if (equality == null || function.equals(EQUALS)) {
                    return equality;
                }
                Node equal = equality;
                return variables -> {
                    int value = equal.eval(variables);
                    return value == UNDECIDED ? UNDECIDED : 1 - value;
                };
            }
            if (function.equals(IN)) {
                return membership(args.get(0), args.get(1));
            }
            if (function.equals(LESS)
                    || function.equals(LESS_EQUALS)
                    || function.equals(GREATER)
                    || function.equals(GREATER_EQUALS)) {
                return comparison(function, args.get(0), args.get(1));
            }
            return null;
        }

        private static Node and(Node[] parts) {
            return variables -> {
                // Every part is evaluated: the answer is given only when all are decided.
                boolean all = true;
                boolean undecided = false;
                for (Node part : parts) {
                    int value = part.eval(variables);
                    undecided |= value == UNDECIDED;
                    all &= value == TRUE;
                }
                return undecided ? UNDECIDED : of(all);
            };
        }

        private static Node or(Node[] parts) {
            return variables -> {
                boolean any = false;
                boolean undecided = false;
                for (Node part : parts) {
                    int value = part.eval(variables);
                    undecided |= value == UNDECIDED;
                    any |= value == TRUE;
                }
                return undecided ? UNDECIDED : of(any);
            };
        }

        /** {@code operand == literal} for string, list-of-string and int operands. */
        private Node equality(CelExpr left, CelExpr right) {
            CelType type = type(left);
            if (SimpleType.STRING.equals(type) && isString(right)) {
                Operand operand = operand(left);
                String literal = right.constant().stringValue();
                if (operand == null) {
                    return null;
                }
                return variables -> operand.value(variables) instanceof String s ? of(s.equals(literal)) : UNDECIDED;
            }
            if (STRINGS.equals(type)) {
                List<String> literal = stringList(right);
                Operand operand = operand(left);
                if (literal == null || operand == null) {
                    return null;
                }
                return variables -> {
                    Object value = operand.value(variables);
                    return isStrings(value) ? of(literal.equals(value)) : UNDECIDED;
                };
            }
            if (SimpleType.INT.equals(type) && intConstant(right) != null) {
                return comparison(EQUALS, left, right);
            }
            return null;
        }

        /** {@code 'literal' in list}, {@code operand in ['a', 'b']}. */
        private Node membership(CelExpr element, CelExpr container) {
            if (isString(element) && STRINGS.equals(type(container))) {
                String literal = element.constant().stringValue();
                Operand operand = operand(container);
                if (operand == null) {
                    return null;
                }
                return variables -> {
                    Object value = operand.value(variables);
                    return isStrings(value) ? of(((List<?>) value).contains(literal)) : UNDECIDED;
                };
            }
            List<String> literals = stringList(container);
            if (literals != null && SimpleType.STRING.equals(type(element))) {
                Set<String> set = Set.copyOf(literals);
                Operand operand = operand(element);
                if (operand == null) {
                    return null;
                }
                return variables -> operand.value(variables) instanceof String s ? of(set.contains(s)) : UNDECIDED;
            }
            return null;
        }

        /** An int operand against an int literal (or a sum or difference of literals), in either order. */
        private Node comparison(String function, CelExpr left, CelExpr right) {
            boolean literalRight = intConstant(right) != null && SimpleType.INT.equals(type(left));
            boolean literalLeft = !literalRight && intConstant(left) != null && SimpleType.INT.equals(type(right));
            if (!literalRight && !literalLeft) {
                return null;
            }
            Operand operand = operand(literalRight ? left : right);
            if (operand == null) {
                return null;
            }
            long literal = intConstant(literalRight ? right : left);
            // Written as "value OP literal": swap the comparison when the literal is on the left.
            String op = literalRight ? function : swap(function);
            return variables -> {
                if (!(operand.value(variables) instanceof Long value)) {
                    return UNDECIDED;
                }
                int c = Long.compare(value, literal);
                if (op.equals(EQUALS)) {
                    return of(c == 0);
                } else if (op.equals(LESS)) {
                    return of(c < 0);
                } else if (op.equals(LESS_EQUALS)) {
                    return of(c <= 0);
                } else if (op.equals(GREATER)) {
                    return of(c > 0);
                }
                return of(c >= 0);
            };
        }

        private static String swap(String function) {
            if (function.equals(LESS)) {
                return GREATER;
            } else if (function.equals(LESS_EQUALS)) {
                return GREATER_EQUALS;
            } else if (function.equals(GREATER)) {
                return LESS;
            } else if (function.equals(GREATER_EQUALS)) {
                return LESS_EQUALS;
            }
            return function;
        }

        /** {@code s.startsWith('x')}, {@code endsWith}, {@code contains} on a string operand. */
        private Node stringFunction(CelExpr.CelCall call) {
            CelExpr target = call.target().get();
            if (call.args().size() != 1 || !isString(call.args().get(0)) || !SimpleType.STRING.equals(type(target))) {
                return null;
            }
            String literal = call.args().get(0).constant().stringValue();
            Operand operand = operand(target);
            if (operand == null) {
                return null;
            }
            return switch (call.function()) {
                case "startsWith" ->
                    variables -> operand.value(variables) instanceof String s ? of(s.startsWith(literal)) : UNDECIDED;
                case "endsWith" ->
                    variables -> operand.value(variables) instanceof String s ? of(s.endsWith(literal)) : UNDECIDED;
                case "contains" ->
                    variables -> operand.value(variables) instanceof String s ? of(s.contains(literal)) : UNDECIDED;
                default -> null;
            };
        }

        /** {@code has(map.key)} on a map variable. */
        private Node has(CelExpr.CelSelect select) {
            CelExpr map = select.operand();
            if (map.getKind() != CelExpr.ExprKind.Kind.IDENT || !(type(map) instanceof MapType)) {
                return null;
            }
            int slot = PolicyInput.slot(map.ident().name());
            if (slot < 0) {
                return null;
            }
            String key = select.field();
            return variables -> {
                Object value = variables.get(slot);
                if (!(value instanceof Map<?, ?> m) || hasNonStringKey(m)) {
                    return UNDECIDED;
                }
                return of(m.containsKey(key));
            };
        }

        /**
         * A value: a declared variable, or a map variable read with a literal key ({@code m.key}, {@code m['key']}).
         */
        private Operand operand(CelExpr expr) {
            switch (expr.getKind()) {
                case IDENT -> {
                    int slot = PolicyInput.slot(expr.ident().name());
                    if (slot < 0) {
                        return null;
                    }
                    return variables -> {
                        Object value = variables.get(slot);
                        return value == null ? NO_VALUE : value;
                    };
                }
                case SELECT -> {
                    CelExpr.CelSelect select = expr.select();
                    if (select.testOnly()) {
                        return null;
                    }
                    return mapRead(select.operand(), select.field());
                }
                case CALL -> {
                    CelExpr.CelCall call = expr.call();
                    if (call.target().isPresent()) {
                        return timestampPart(call);
                    }
                    if (call.target().isEmpty()
                            && call.function().equals(INDEX)
                            && call.args().size() == 2
                            && isString(call.args().get(1))) {
                        return mapRead(
                                call.args().get(0),
                                call.args().get(1).constant().stringValue());
                    }
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }

        private Operand mapRead(CelExpr map, String key) {
            if (map.getKind() != CelExpr.ExprKind.Kind.IDENT
                    || !PolicyVariables.TYPES.containsKey(map.ident().name())
                    || !(type(map) instanceof MapType)) {
                return null;
            }
            int slot = PolicyInput.slot(map.ident().name());
            return variables -> {
                Object value = variables.get(slot);
                if (!(value instanceof Map<?, ?> m) || hasNonStringKey(m)) {
                    return NO_VALUE;
                }
                Object entry = m.get(key);
                // A missing key is an error in CEL, a null is not a declared value: the interpreter decides both.
                return entry == null ? NO_VALUE : entry;
            };
        }

        /**
         * An int literal, or {@code a + b} / {@code a - b} of such (folded here); null for anything else, and for a
         * sum that overflows (an error in CEL, left to the interpreter).
         */
        private static Long intConstant(CelExpr expr) {
            if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
                return expr.constant().getKind() == CelConstant.Kind.INT64_VALUE
                        ? expr.constant().int64Value()
                        : null;
            }
            if (expr.getKind() != CelExpr.ExprKind.Kind.CALL
                    || expr.call().target().isPresent()
                    || expr.call().args().size() != 2) {
                return null;
            }
            String function = expr.call().function();
            if (!function.equals(ADD) && !function.equals(SUBTRACT)) {
                return null;
            }
            Long a = intConstant(expr.call().args().get(0));
            Long b = intConstant(expr.call().args().get(1));
            if (a == null || b == null) {
                return null;
            }
            try {
                return function.equals(ADD) ? Math.addExact(a, b) : Math.subtractExact(a, b);
            } catch (ArithmeticException e) {
                return null;
            }
        }

        /**
         * {@code now.getHours()}, {@code getMinutes()}, {@code getDayOfWeek()}, without a time zone or with
         * {@code 'UTC'}: the value as a {@link Long}, or {@link #NO_VALUE} when {@code now} is not an {@link Instant}.
         */
        private Operand timestampPart(CelExpr.CelCall call) {
            CelExpr target = call.target().get();
            if (target.getKind() != CelExpr.ExprKind.Kind.IDENT
                    || !PolicyVariables.NOW.equals(target.ident().name())
                    || !SimpleType.TIMESTAMP.equals(type(target))) {
                return null;
            }
            if (!(call.args().isEmpty()
                    || (call.args().size() == 1
                            && isString(call.args().get(0))
                            && call.args().get(0).constant().stringValue().equals("UTC")))) {
                return null;
            }
            TimePart part = switch (call.function()) {
                case "getHours" -> TimePart.HOURS;
                case "getMinutes" -> TimePart.MINUTES;
                case "getDayOfWeek" -> TimePart.DAY_OF_WEEK;
                default -> null;
            };
            if (part == null) {
                return null;
            }
            int slot = PolicyInput.slot(target.ident().name());
            return variables -> variables.get(slot) instanceof Instant instant ? (Object) part.utc(instant) : NO_VALUE;
        }
    }
}
