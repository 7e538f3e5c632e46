package dev.apiguard.keycloak.ratelimit;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A document's {@code tierRules}: CEL conditions on the client that choose its tier, in order,
 * the first true one wins. The same CEL engine as the ABAC policies (no other expression
 * language), in an environment of the client's variables only:
 * <ul>
 *   <li>{@code client.id} ({@code string}): the client id;</li>
 *   <li>{@code client.attributes} ({@code map<string, string>}): the client's attributes;</li>
 *   <li>{@code client.realmRoles} ({@code list<string>}): the effective realm roles of the
 *       client's service account (empty without one); read only by a condition that names it.</li>
 * </ul>
 * Conditions are compiled once per document (type-checked as {@code bool}, every problem named
 * with its path); a condition that fails to evaluate (a missing attribute key) is false for that
 * client. Results are cached per client: a client's tier is evaluated again when its attributes
 * change, when the document changes (a new compiled document has an empty cache), and at the
 * latest after {@value #TTL_MILLIS} ms (role changes); no CEL runs on a request whose client is
 * cached. The cache holds at most {@value #MAX_CLIENTS} clients (emptied when full).
 */
final class TierRules {

    static final String CLIENT_ID = "client.id";
    static final String CLIENT_ATTRIBUTES = "client.attributes";
    static final String CLIENT_REALM_ROLES = "client.realmRoles";
    static final int MAX_TIER_RULES = 32;
    static final int MAX_CONDITION_CHARS = 2_000;
    static final long TTL_MILLIS = 60_000;
    static final int MAX_CLIENTS = 10_000;

    static final TierRules NONE = new TierRules(List.of());

    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(MAX_CONDITION_CHARS)
            .comprehensionMaxIterations(1_000)
            .enableHeterogeneousNumericComparisons(true)
            .build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(SimpleType.BOOL)
            .addVar(CLIENT_ID, SimpleType.STRING)
            .addVar(CLIENT_ATTRIBUTES, MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar(CLIENT_REALM_ROLES, ListType.create(SimpleType.STRING))
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /** One compiled rule: its condition's text and program, and the tier it selects. */
    record TierRule(String when, CelRuntime.Program program, String tier) {}

    /** A client's cached tier: valid while its attributes are equal and it is younger than the TTL. */
    private record Cached(Map<String, String> attributes, String tier, long at) {}

    private final List<TierRule> rules;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    TierRules(List<TierRule> rules) {
        this.rules = List.copyOf(rules);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    List<TierRule> rules() {
        return rules;
    }

    /** Compiles {@code when}; adds every problem, prefixed by {@code path}, to {@code errors}; {@code null} then. */
    static CelRuntime.Program compile(String when, String path, List<String> errors) {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(when).getAst();
            return RUNTIME.createProgram(ast);
        } catch (CelValidationException e) {
            for (CelIssue issue : e.getErrors()) {
                var location = issue.getSourceLocation();
                String at = location == null || location.getLine() < 1
                        ? ""
                        : "line " + location.getLine() + ", column " + (location.getColumn() + 1) + ": ";
                errors.add(path + ": " + at + issue.getMessage());
            }
        } catch (CelEvaluationException e) {
            errors.add(path + ": cannot be prepared for evaluation: " + e.getMessage());
        }
        return null;
    }

    /**
     * The tier the first true condition selects for a client, or {@code null} when none is true.
     * Cached (see the class comment); {@code realmRoles} is asked only by a condition that reads
     * {@code client.realmRoles}, and only when the cache has no valid entry.
     */
    String select(String clientId, Map<String, String> attributes, Supplier<List<String>> realmRoles, long nowMillis) {
        if (rules.isEmpty()) {
            return null;
        }
        Map<String, String> current = attributes == null ? Map.of() : attributes;
        Cached cached = cache.get(clientId);
        if (cached != null
                && nowMillis - cached.at() < TTL_MILLIS
                && cached.attributes().equals(current)) {
            return cached.tier();
        }
        String tier = evaluate(clientId, current, realmRoles);
        if (cache.size() >= MAX_CLIENTS) {
            cache.clear();
        }
        // A copy that admits null values (Map.copyOf does not): an attribute may be stored without a value.
        cache.put(clientId, new Cached(Collections.unmodifiableMap(new HashMap<>(current)), tier, nowMillis));
        return tier;
    }

    /** How many times the conditions were evaluated (cache misses), for tests. */
    long evaluations() {
        return evaluations.sum();
    }

    private final LongAdder evaluations = new LongAdder();

    /** The service account's roles, read at most once per evaluation and only if a condition reads them. */
    private static final class Roles {
        private final Supplier<List<String>> source;
        private List<String> roles;

        Roles(Supplier<List<String>> source) {
            this.source = source;
        }

        List<String> get() {
            if (roles == null) {
                List<String> read = source == null ? null : source.get();
                roles = read == null ? List.of() : read;
            }
            return roles;
        }
    }

    private String evaluate(String clientId, Map<String, String> attributes, Supplier<List<String>> realmRoles) {
        evaluations.increment();
        Roles roles = new Roles(realmRoles);
        CelVariableResolver resolver = name -> switch (name) {
            case CLIENT_ID -> Optional.of(clientId);
            case CLIENT_ATTRIBUTES -> Optional.of(attributes);
            case CLIENT_REALM_ROLES -> Optional.of(roles.get());
            default -> Optional.empty();
        };
        for (TierRule rule : rules) {
            Object value;
            try {
                value = rule.program().eval(resolver);
            } catch (CelEvaluationException | RuntimeException e) {
                // A condition that cannot be decided for this client (a missing attribute key) does not select.
                continue;
            }
            if (Boolean.TRUE.equals(value)) {
                return rule.tier();
            }
        }
        return null;
    }
}
