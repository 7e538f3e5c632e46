package dev.apiguard.keycloak.abac;

import java.util.Objects;

/**
 * What the policies decided for one scope.
 *
 * @param scope the scope decided
 * @param outcome permit, deny, not protected (no policy decided and the scope is not protected), or
 *        deferred (only at the authorization endpoint: the decision needs attributes known later)
 * @param onDeny for a deny, what it does; null otherwise
 * @param policy the policy that decided, or that a default deny names (the first permit policy that
 *        did not permit); null when no policy targets the scope
 * @param condition that policy's condition, as written
 * @param reason why, in words: "condition holds", "condition is false", the evaluation error, ...
 */
public record Decision(
        String scope, Outcome outcome, Policy.OnDeny onDeny, String policy, String condition, String reason) {

    /** The decision for one scope. */
    public enum Outcome {
        PERMIT,
        DENY,
        NOT_PROTECTED,
        DEFERRED
    }

    public Decision {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean denied() {
        return outcome == Outcome.DENY;
    }

    public boolean refused() {
        return outcome == Outcome.DENY && onDeny == Policy.OnDeny.REFUSE;
    }
}
