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
import java.util.Objects;
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
 * one cannot decide, by the CEL interpreter. A condition whose leading literal test fails for the
 * request ({@link PolicyIndex}) is false without being evaluated, exactly as evaluating it would
 * give. Everything that does not depend on the request (order, memo slots, variable slots, the
 * index) is prepared here, when the document is compiled. Thread-safe; evaluation allocates per
 * call only.
 */
public final class CompiledPolicies {

    private static final Candidate[] NO_CANDIDATES = new Candidate[0];
    private static final Result TRUE = new Result(Boolean.TRUE, false, null);
    private static final Result FALSE = new Result(Boolean.FALSE, false, null);

    private final PolicyDocument document;
    private final List<CompiledPolicy> policies;
    private final Map<String, Candidate[]> byScope;
    /**
     * How many memo slots a request needs: one per condition text that a request may evaluate more than once (shared
     * by several policies, or a policy of several scopes), so that it is evaluated once.
     */
    private final int conditionSlots;

    private final PolicyIndex index;

    CompiledPolicies(PolicyDocument document, List<CompiledPolicy> policies) {
        this.document = document;
        this.policies = List.copyOf(policies);
        Map<String, Integer> uses = new HashMap<>();
        for (CompiledPolicy policy : this.policies) {
            uses.merge(policy.policy().condition(), policy.policy().scopes().size(), Integer::sum);
        }
        List<PolicyIndex.Guard> guards =
                this.policies.stream().map(CompiledPolicy::guard).toList();
        this.index = guards.stream().allMatch(Objects::isNull) ? PolicyIndex.NONE : new PolicyIndex(guards);
        Map<String, Integer> slots = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < this.policies.size(); i++) {
            CompiledPolicy policy = this.policies.get(i);
            String condition = policy.policy().condition();
            boolean shareable = uses.get(condition) > 1 && !policy.variables().contains(PolicyVariables.SCOPE);
            int slot = shareable ? slots.computeIfAbsent(condition, c -> slots.size()) : -1;
            candidates.add(new Candidate(i, policy, slot, index.keyOf(i)));
        }
        this.conditionSlots = slots.size();
        Map<String, List<Candidate>> byScope = new HashMap<>();
        for (Candidate candidate : candidates) {
            for (String scope : candidate.policy.scopes()) {
                byScope.computeIfAbsent(scope, s -> new ArrayList<>()).add(candidate);
            }
        }
        // Deny policies first: one that holds decides without looking at permits.
        Map<String, Candidate[]> ordered = new HashMap<>();
        byScope.forEach((scope, list) -> ordered.put(
                scope,
                list.stream()
                        .sorted((a, b) -> Boolean.compare(
                                a.policy.effect() == Policy.Effect.PERMIT, b.policy.effect() == Policy.Effect.PERMIT))
                        .toArray(Candidate[]::new)));
        this.byScope = Map.copyOf(ordered);
    }

    /**
     * A condition ready to evaluate, with the user attributes and the variables it reads; {@code direct} is its
     * {@link DirectCondition} form when it has one, else {@code null}; {@code guard} the literal test it starts with
     * for {@link PolicyIndex}, else {@code null}.
     */
    record CompiledPolicy(
            Policy policy,
            CelRuntime.Program program,
            Set<String> userAttributes,
            List<String> variables,
            DirectCondition direct,
            PolicyIndex.Guard guard) {}

    /**
     * A policy with what its evaluation needs, looked up once here rather than per request, in one object: a decision
     * that skips a policy reads this object only.
     */
    private static final class Candidate {
        /** Position in the document (the index's bit). */
        final int position;
        /** Its guard's key in the index, or -1. */
        final int key;

        final boolean deny;

        final CompiledPolicy compiled;
        final Policy policy;
        /**
         * Its condition's slot in the per-request memo; -1 when no other policy or scope uses the condition (nothing
         * to share), or when it reads the decided scope (then it may differ between scopes: never shared).
         */
        final int slot;
        /** Whether it applies to every client. */
        final boolean allClients;
        /** The variables it reads, as {@link PolicyInput} slots, in the order of {@link CompiledPolicy#variables()}. */
        final int[] variables;
        /** The same, one bit per slot. */
        final int variableBits;

        Candidate(int position, CompiledPolicy compiled, int slot, int key) {
            this.position = position;
            this.key = key;
            this.compiled = compiled;
            this.policy = compiled.policy();
            this.deny = policy.effect() == Policy.Effect.DENY;
            this.slot = slot;
            this.allClients = policy.clients().isEmpty();
            this.variables =
                    compiled.variables().stream().mapToInt(PolicyInput::slot).toArray();
            int bits = 0;
            for (int variable : variables) {
                bits |= 1 << variable;
            }
            this.variableBits = bits;
        }
    }

    /**
     * What one request has evaluated so far, shared by its scopes: condition results, index lookups, and which
     * variables were read and had a value (one bit per {@link PolicyInput} slot; there are fewer than 32).
     */
    private static final class Evaluation {
        private static final int SCOPE_BIT = 1 << PolicyInput.slot(PolicyVariables.SCOPE);

        final Result[] memo;
        final Object[] lookups;
        /** Variables read so far that have a value; the decided scope always has one. */
        int bound = SCOPE_BIT;

        Evaluation(int conditions, PolicyIndex index) {
            this.memo = new Result[conditions];
            this.lookups = index.newLookups();
        }
    }

    public PolicyDocument document() {
        return document;
    }

    List<CompiledPolicy> policies() {
        return policies;
    }

    /** The index of the policies' leading literal tests (positions as in {@link #policies()}). */
    PolicyIndex index() {
        return index;
    }

    /** Whether any policy targets or protects {@code scope}: if none does, nothing is evaluated for it. */
    public boolean governs(String scope) {
        return document.protectedScopes().contains(scope) || byScope.containsKey(scope);
    }

    /** Decides every scope of {@code scopes} that the document governs, in order. */
    public Map<String, Decision> decideAll(
            Collection<String> scopes, String clientId, PolicyInput input, boolean partial) {
        Map<String, Decision> decisions = new LinkedHashMap<>();
        Evaluation evaluation = new Evaluation(conditionSlots, index);
        for (String scope : scopes) {
            if (governs(scope)) {
                decisions.put(scope, decide(scope, clientId, input, partial, evaluation));
            }
        }
        return decisions;
    }

    /** Decides one scope for one client; see the class comment. */
    public Decision decide(String scope, String clientId, PolicyInput input, boolean partial) {
        return decide(scope, clientId, input, partial, new Evaluation(conditionSlots, index));
    }

    private Decision decide(String scope, String clientId, PolicyInput input, boolean partial, Evaluation evaluation) {
        Candidate[] candidates = byScope.getOrDefault(scope, NO_CANDIDATES);
        Resolver resolver = new Resolver(input, scope);
        Decision deny = null;
        boolean deferred = false;
        Candidate firstPermit = null;
        String firstPermitReason = null;
        boolean refuseOnDefault = false;
        for (Candidate candidate : candidates) {
            Policy policy = candidate.policy;
            // Listed under the scope, so it targets it (Policy#targets): only the client is left to check.
            if (!candidate.allClients && !policy.clients().contains(clientId)) {
                continue;
            }
            Result result = evaluate(candidate, resolver, evaluation);
            if (candidate.deny) {
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
                firstPermit.policy.name(),
                firstPermit.policy.condition(),
                "default deny: " + firstPermitReason);
    }

    private Result evaluate(Candidate candidate, Resolver resolver, Evaluation evaluation) {
        int slot = candidate.slot;
        if (slot < 0) {
            return evaluateOnce(candidate, resolver, evaluation);
        }
        Result[] memo = evaluation.memo;
        if (memo[slot] == null) {
            memo[slot] = evaluateOnce(candidate, resolver, evaluation);
        }
        return memo[slot];
    }

    private Result evaluateOnce(Candidate candidate, Resolver resolver, Evaluation evaluation) {
        // Decided before evaluating, so that the answer does not depend on CEL's evaluation order. Known bound: done.
        if ((candidate.variableBits & ~evaluation.bound) != 0) {
            Result unbound = unbound(candidate, resolver, evaluation);
            if (unbound != null) {
                return unbound;
            }
        }
        if (index.excludes(candidate.key, candidate.position, evaluation.lookups, resolver)) {
            return FALSE; // its leading literal test is false: so is the condition (see PolicyIndex)
        }
        CompiledPolicy policy = candidate.compiled;
        DirectCondition direct = policy.direct();
        if (direct != null) {
            Boolean answer;
            try {
                answer = direct.evaluateBySlot(resolver);
            } catch (RuntimeException e) {
                // An input map that cannot be read as expected: the interpreter decides, with its own error.
                answer = null;
            }
            if (answer != null) {
                return answer ? TRUE : FALSE;
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
            return bool ? TRUE : FALSE;
        }
        if (value instanceof CelUnknownSet) {
            return new Result(null, true, "an attribute it reads has no value for this request (fails closed)");
        }
        return new Result(null, false, "evaluation gave no boolean (fails closed)");
    }

    /** Reads the candidate's variables in order up to the first without a value, and names that one (else null). */
    private static Result unbound(Candidate candidate, Resolver resolver, Evaluation evaluation) {
        int[] variables = candidate.variables;
        for (int i = 0; i < variables.length; i++) {
            if (resolver.get(variables[i]) == null) {
                return new Result(
                        null,
                        true,
                        "attribute " + candidate.compiled.variables().get(i)
                                + " has no value for this request (fails closed)");
            }
            evaluation.bound |= 1 << variables[i];
        }
        return null;
    }

    private static String firstLine(String message) {
        return message == null ? "unknown" : message.lines().findFirst().orElse("unknown");
    }

    private record Result(Boolean value, boolean unknown, String reason) {}

    /** Binds the decided scope and delegates every other variable to the request's input. */
    private record Resolver(PolicyInput input, String scope)
            implements dev.cel.runtime.CelVariableResolver, DirectCondition.Values {

        private static final int SCOPE_SLOT = PolicyInput.slot(PolicyVariables.SCOPE);

        @Override
        public Optional<Object> find(String name) {
            return PolicyVariables.SCOPE.equals(name) ? Optional.of(scope) : input.find(name);
        }

        @Override
        public Object get(int slot) {
            return slot == SCOPE_SLOT ? scope : input.value(slot);
        }
    }
}
