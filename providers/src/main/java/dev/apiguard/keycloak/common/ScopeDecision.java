package dev.apiguard.keycloak.common;

import java.util.Objects;
import java.util.Set;

/**
 * What one decider (ABAC, step-up, ...) decided about the scopes of a token Keycloak is issuing:
 * the scopes to withhold from it. A decider only decides; {@code dev.apiguard.keycloak.kc.IssuedTokens#apply}
 * is the one place that changes the tokens and the response, whatever deciders a realm enables and
 * in whatever order they run. A refusal is not a decision: the decider throws
 * {@code ClientPolicyException} and nothing is issued.
 *
 * @param decider the provider id of the deciding executor (for logs and tests)
 * @param withheld the scopes to take out of the access and refresh tokens and the response; may be empty
 */
public record ScopeDecision(String decider, Set<String> withheld) {

    public ScopeDecision {
        Objects.requireNonNull(decider, "decider");
        withheld = Set.copyOf(Objects.requireNonNull(withheld, "withheld"));
    }

    /** A decision that withholds nothing. */
    public static ScopeDecision keepAll(String decider) {
        return new ScopeDecision(decider, Set.of());
    }

    public boolean withholdsNothing() {
        return withheld.isEmpty();
    }
}
