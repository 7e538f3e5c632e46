package dev.apiguard.keycloak.abac;

import java.util.Objects;
import java.util.Set;

/**
 * One policy of a document: the scopes (and optionally clients) it targets, its effect, its CEL
 * condition and what a deny does. Built only by {@link PolicyDocumentParser}, which validates it.
 *
 * @param name unique within the document; named in events and explain answers
 * @param scopes the client scopes it decides; never empty
 * @param clients the clientIds it applies to; empty means every client
 * @param effect permit or deny when the condition holds
 * @param condition CEL source text, a boolean expression
 * @param onDeny what a deny decided by (or, for a permit policy, failing) this policy does
 */
public record Policy(
        String name,
        String description,
        Set<String> scopes,
        Set<String> clients,
        Effect effect,
        String condition,
        OnDeny onDeny) {

    /** What a policy decides when its condition holds. */
    public enum Effect {
        PERMIT,
        DENY
    }

    /** What a deny does to the request. */
    public enum OnDeny {
        /** The scope is left out of the token (and of the consent screen); the request goes on. */
        DROP,
        /** The whole request fails: access_denied at the authorization endpoint, invalid_scope at the token endpoint. */
        REFUSE
    }

    public Policy {
        Objects.requireNonNull(name, "name");
        scopes = Set.copyOf(scopes);
        clients = Set.copyOf(clients);
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(onDeny, "onDeny");
    }

    /** Whether this policy decides {@code scope} for {@code clientId}. */
    public boolean targets(String scope, String clientId) {
        return scopes.contains(scope) && (clients.isEmpty() || clients.contains(clientId));
    }
}
