package dev.apiguard.keycloak.abac;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the conditions of a {@link PolicyDocument} into a {@link CompiledPolicies}. Checks:
 * each condition parses and type-checks as a {@code bool} over {@link PolicyVariables} (errors
 * name policy, line and column, 1-based); each reads user attributes only by literal name
 * ({@code user.attributes.department} or {@code user.attributes['department']}), so that the
 * names can be checked against the user profile ({@link #userAttributesRead}).
 *
 * <p>The CEL environment is immutable and shared: compiling happens when a document is saved
 * (or first used after another node saved it), never per request. So does recognising the
 * conditions that {@link DirectCondition} evaluates without the interpreter, and the literal test
 * each condition starts with, by which {@link PolicyIndex} skips conditions that cannot hold.
 */
public final class PolicyCompiler {

    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(PolicyDocumentParser.MAX_CONDITION_CHARS)
            .comprehensionMaxIterations(1_000)
            .enableHeterogeneousNumericComparisons(true)
            // CEL-Java's default, stated because PolicyIndex relies on it: a false left operand of && decides.
            .enableShortCircuiting(true)
            .build();
    private static final CelCompiler COMPILER;
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final String INDEX = "_[_]";

    static {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.BOOL);
        PolicyVariables.TYPES.forEach(builder::addVar);
        COMPILER = builder.build();
    }

    private PolicyCompiler() {}

    /**
     * Compiles every condition; every problem of every policy is one error. Conditions made of common shapes also
     * get a {@link DirectCondition}; conditions that start with a literal test are indexed ({@link PolicyIndex}).
     */
    public static CompiledPolicies compile(PolicyDocument document) throws PolicyDocumentException {
        return compile(document, true, true);
    }

    /**
     * As {@link #compile(PolicyDocument)}; {@code direct} false leaves every condition to the interpreter, and
     * {@code indexed} false evaluates every condition the decision reaches (tests).
     */
    static CompiledPolicies compile(PolicyDocument document, boolean direct, boolean indexed)
            throws PolicyDocumentException {
        List<String> errors = new ArrayList<>();
        List<CompiledPolicies.CompiledPolicy> compiled = new ArrayList<>();
        for (int i = 0; i < document.policies().size(); i++) {
            Policy policy = document.policies().get(i);
            String path = "policies[" + i + "].condition";
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(policy.condition()).getAst();
                AttributeReads reads = new AttributeReads();
                reads.walk(ast.getExpr());
                if (reads.computed) {
                    errors.add(path + ": reads user.attributes with a computed key or as a whole; name each attribute "
                            + "literally (user.attributes.name or user.attributes['name']) so that it can be checked");
                    continue;
                }
                compiled.add(new CompiledPolicies.CompiledPolicy(
                        policy,
                        RUNTIME.createProgram(ast),
                        Set.copyOf(reads.names),
                        List.copyOf(reads.variables),
                        direct ? DirectCondition.of(ast).orElse(null) : null,
                        indexed ? PolicyIndex.guard(ast) : null));
            } catch (CelValidationException e) {
                for (CelIssue issue : e.getErrors()) {
                    errors.add(path + ": " + location(issue.getSourceLocation()) + issue.getMessage());
                }
            } catch (CelEvaluationException e) {
                errors.add(path + ": cannot be prepared for evaluation: " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyDocumentException(errors);
        }
        return new CompiledPolicies(document, compiled);
    }

    /** The user attributes each policy reads, by policy name. */
    public static Map<String, Set<String>> userAttributesRead(CompiledPolicies policies) {
        Map<String, Set<String>> reads = new java.util.LinkedHashMap<>();
        for (CompiledPolicies.CompiledPolicy policy : policies.policies()) {
            reads.put(policy.policy().name(), policy.userAttributes());
        }
        return reads;
    }

    private static String location(CelSourceLocation location) {
        if (location == null || location.getLine() < 1) {
            return "";
        }
        return "line " + location.getLine() + ", column " + (location.getColumn() + 1) + ": ";
    }

    /** Collects the literal names under user.attributes; flags any other use of it. */
    private static final class AttributeReads {

        private final Set<String> names = new LinkedHashSet<>();
        private final Set<String> variables = new LinkedHashSet<>();
        private boolean computed;

        void walk(CelExpr expr) {
            switch (expr.getKind()) {
                case IDENT -> {
                    if (PolicyVariables.TYPES.containsKey(expr.ident().name())) {
                        variables.add(expr.ident().name());
                    }
                    if (isAttributes(expr)) {
                        computed = true;
                    }
                }
                case SELECT -> {
                    if (isAttributes(expr.select().operand())) {
                        variables.add(PolicyVariables.USER_ATTRIBUTES);
                        names.add(expr.select().field());
                    } else {
                        walk(expr.select().operand());
                    }
                }
                case CALL -> {
                    CelExpr.CelCall call = expr.call();
                    if (INDEX.equals(call.function())
                            && call.args().size() == 2
                            && isAttributes(call.args().get(0))) {
                        variables.add(PolicyVariables.USER_ATTRIBUTES);
                        CelExpr key = call.args().get(1);
                        if (key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                                && key.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                            names.add(key.constant().stringValue());
                        } else {
                            computed = true;
                            walk(key);
                        }
                    } else {
                        call.target().ifPresent(this::walk);
                        call.args().forEach(this::walk);
                    }
                }
                case LIST -> expr.list().elements().forEach(this::walk);
                case MAP ->
                    expr.map().entries().forEach(entry -> {
                        walk(entry.key());
                        walk(entry.value());
                    });
                case STRUCT -> expr.struct().entries().forEach(entry -> walk(entry.value()));
                case COMPREHENSION -> {
                    CelExpr.CelComprehension loop = expr.comprehension();
                    walk(loop.iterRange());
                    walk(loop.accuInit());
                    walk(loop.loopCondition());
                    walk(loop.loopStep());
                    walk(loop.result());
                }
                default -> {
                    // Constants and unset nodes read nothing.
                }
            }
        }

        private static boolean isAttributes(CelExpr expr) {
            return expr.getKind() == CelExpr.ExprKind.Kind.IDENT
                    && PolicyVariables.USER_ATTRIBUTES.equals(expr.ident().name());
        }
    }
}
