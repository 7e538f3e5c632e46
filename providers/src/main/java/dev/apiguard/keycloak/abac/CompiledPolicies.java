package dev.apiguard.keycloak.abac;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled policy document and the decision procedure. For one scope requested by one client:
 * <ol>
 *   <li>the policies that target the scope (and the client, if they name clients) apply;</li>
 *   <li>deny overrides permit: a deny policy whose condition holds denies; one whose condition
 *       cannot be evaluated (error, missing attribute) denies too (fail closed);</li>
 *   <li>otherwise a permit policy whose condition holds permits;</li>
 *   <li>otherwise a protected scope is denied (default deny), naming the first applicable permit
 *       policy and why it did not permit; a scope that is not protected passes.</li>
 * </ol>
 * Among denies, refuse wins over drop; a default deny refuses if any applicable permit policy
 * says {@code onDeny: refuse}. With {@code partial} (the authorization endpoint, before the
 * authentication's acr and time are known) a condition that needs an unbound variable defers
 * the decision to the token endpoint instead of denying. Only a boolean result counts: anything
 * else is an error. A condition of common shapes is evaluated by its {@link DirectCondition}
 * (which answers only where the interpreter would answer the same), otherwise, or when that
 * one cannot decide, by the CEL interpreter. Thread-safe; evaluation allocates per call only.
 */
public final class CompiledPolicies {

    private final PolicyDocument document;
    private final List<CompiledPolicy> policies;
    private final Map<String, List<CompiledPolicy>> byScope;
    /** One slot per distinct condition text: a condition shared by several policies is evaluated once per request. */
    private final Map<String, Integer> conditionSlots;

    CompiledPolicies(PolicyDocument document, List<CompiledPolicy> policies) {
        this.document = document;
        this.policies = List.copyOf(policies);
        Map<String, List<CompiledPolicy>> index = new HashMap<>();
        for (CompiledPolicy policy : this.policies) {
            for (String scope : policy.policy().scopes()) {
                index.computeIfAbsent(scope, s -> new ArrayList<>()).add(policy);
            }
        }
        // Deny policies first: one that holds decides without looking at permits.
        index.replaceAll((scope, list) -> list.stream()
                .sorted((a, b) -> Boolean.compare(
                        a.policy().effect() == Policy.Effect.PERMIT, b.policy().effect() == Policy.Effect.PERMIT))
                .toList());
        this.byScope = Map.copyOf(index);
        Map<String, Integer> slots = new HashMap<>();
        for (CompiledPolicy policy : this.policies) {
            slots.putIfAbsent(policy.policy().condition(), slots.size());
        }
        this.conditionSlots = Map.copyOf(slots);
    }

    /**
     * A condition ready to evaluate, with the user attributes and the variables it reads; {@code direct} is its
     * {@link DirectCondition} form when it has one, else {@code null}.
     */
    record CompiledPolicy(
            Policy policy,
            CelRuntime.Program program,
            Set<String> userAttributes,
            List<String> variables,
            DirectCondition direct) {}

    public PolicyDocument document() {
        return document;
    }

    List<CompiledPolicy> policies() {
        return policies;
    }

    /** Whether any policy targets or protects {@code scope}: if none does, nothing is evaluated for it. */
    public boolean governs(String scope) {
        return document.protectedScopes().contains(scope) || byScope.containsKey(scope);
    }

    /** Decides every scope of {@code scopes} that the document governs, in order. */
    public Map<String, Decision> decideAll(
            Collection<String> scopes, String clientId, PolicyInput input, boolean partial) {
        Map<String, Decision> decisions = new LinkedHashMap<>();
        Result[] memo = new Result[conditionSlots.size()];
        for (String scope : scopes) {
            if (governs(scope)) {
                decisions.put(scope, decide(scope, clientId, input, partial, memo));
            }
        }
        return decisions;
    }

    /** Decides one scope for one client; see the class comment. */
    public Decision decide(String scope, String clientId, PolicyInput input, boolean partial) {
        return decide(scope, clientId, input, partial, new Result[conditionSlots.size()]);
    }

    private Decision decide(String scope, String clientId, PolicyInput input, boolean partial, Result[] memo) {
        List<CompiledPolicy> candidates = byScope.getOrDefault(scope, List.of());
        Resolver resolver = new Resolver(input, scope);
        Decision deny = null;
        boolean deferred = false;
        CompiledPolicy firstPermit = null;
        String firstPermitReason = null;
        boolean refuseOnDefault = false;
        for (CompiledPolicy candidate : candidates) {
            Policy policy = candidate.policy();
            if (!policy.targets(scope, clientId)) {
                continue;
            }
            Result result = evaluate(candidate, resolver, memo);
            if (policy.effect() == Policy.Effect.DENY) {
                if (result.unknown && partial) {
                    deferred = true;
                } else if (result.value != Boolean.FALSE) {
                    String reason = result.value == Boolean.TRUE ? "deny condition holds" : result.reason;
                    if (deny == null
                            || (policy.onDeny() == Policy.OnDeny.REFUSE && deny.onDeny() != Policy.OnDeny.REFUSE)) {
                        deny = new Decision(
                                scope,
                                Decision.Outcome.DENY,
                                policy.onDeny(),
                                policy.name(),
                                policy.condition(),
                                reason);
                    }
                }
                continue;
            }
            if (deny != null) {
                break; // deny overrides permit: permits need not be evaluated
            }
            if (result.value == Boolean.TRUE) {
                return new Decision(
                        scope,
                        Decision.Outcome.PERMIT,
                        null,
                        policy.name(),
                        policy.condition(),
                        "permit condition holds");
            }
            if (result.unknown && partial) {
                deferred = true;
            }
            refuseOnDefault |= policy.onDeny() == Policy.OnDeny.REFUSE;
            if (firstPermit == null) {
                firstPermit = candidate;
                firstPermitReason = result.value == Boolean.FALSE ? "permit condition is false" : result.reason;
            }
        }
        if (deny != null) {
            return deny;
        }
        if (deferred) {
            return new Decision(
                    scope,
                    Decision.Outcome.DEFERRED,
                    null,
                    null,
                    null,
                    "needs attributes that are known only at the token endpoint");
        }
        if (!document.protectedScopes().contains(scope)) {
            return new Decision(
                    scope,
                    Decision.Outcome.NOT_PROTECTED,
                    null,
                    null,
                    null,
                    "scope is not protected and no policy denies it");
        }
        if (firstPermit == null) {
            return new Decision(
                    scope,
                    Decision.Outcome.DENY,
                    Policy.OnDeny.DROP,
                    null,
                    null,
                    "protected scope and no policy permits it for this client (default deny)");
        }
        return new Decision(
                scope,
                Decision.Outcome.DENY,
                refuseOnDefault ? Policy.OnDeny.REFUSE : Policy.OnDeny.DROP,
                firstPermit.policy().name(),
                firstPermit.policy().condition(),
                "default deny: " + firstPermitReason);
    }

    private Result evaluate(CompiledPolicy policy, Resolver resolver, Result[] memo) {
        // A condition that reads the decided scope may differ between scopes: never shared.
        boolean shareable = !policy.variables().contains(PolicyVariables.SCOPE);
        int slot = conditionSlots.get(policy.policy().condition());
        if (shareable && memo[slot] != null) {
            return memo[slot];
        }
        Result result = evaluateOnce(policy, resolver);
        if (shareable) {
            memo[slot] = result;
        }
        return result;
    }

    private static Result evaluateOnce(CompiledPolicy policy, Resolver resolver) {
        for (String variable : policy.variables()) {
            if (resolver.find(variable).isEmpty()) {
                // Decided before evaluating, so that the answer does not depend on CEL's evaluation order.
                return new Result(
                        null, true, "attribute " + variable + " has no value for this request (fails closed)");
            }
        }
        DirectCondition direct = policy.direct();
        if (direct != null) {
            Boolean answer;
            try {
                answer = direct.evaluate(resolver);
            } catch (RuntimeException e) {
                // An input map that cannot be read as expected: the interpreter decides, with its own error.
                answer = null;
            }
            if (answer != null) {
                return new Result(answer, false, null);
            }
        }
        Object value;
        try {
            value = policy.program().eval(resolver);
        } catch (CelEvaluationException e) {
            return new Result(null, false, "evaluation error (fails closed): " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // CEL may throw unchecked errors on unexpected values: never let one permit.
            return new Result(
                    null,
                    false,
                    "evaluation error (fails closed): " + e.getClass().getSimpleName());
        }
        if (value instanceof Boolean bool) {
            return new Result(bool, false, null);
        }
        if (value instanceof CelUnknownSet) {
            return new Result(null, true, "an attribute it reads has no value for this request (fails closed)");
        }
        return new Result(null, false, "evaluation gave no boolean (fails closed)");
    }

    private static String firstLine(String message) {
        return message == null ? "unknown" : message.lines().findFirst().orElse("unknown");
    }

    private record Result(Boolean value, boolean unknown, String reason) {}

    /** Binds the decided scope and delegates every other variable to the request's input. */
    private record Resolver(PolicyInput input, String scope) implements dev.cel.runtime.CelVariableResolver {

        @Override
        public Optional<Object> find(String name) {
            return PolicyVariables.SCOPE.equals(name) ? Optional.of(scope) : input.find(name);
        }
    }
}
