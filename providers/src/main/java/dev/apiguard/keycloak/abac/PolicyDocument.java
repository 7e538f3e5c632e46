package dev.apiguard.keycloak.abac;

import java.util.List;
import java.util.Set;

/**
 * A realm's scope-policy document, validated. Format (JSON):
 * <pre>
 * {
 *   "apiVersion": "apiguard/v1",
 *   "protectedScopes": ["orders:write"],
 *   "policies": [
 *     {"name": "orders-write-sales", "scopes": ["orders:write"], "effect": "permit",
 *      "condition": "user.attributes.department == ['sales'] &amp;&amp; user.emailVerified", "onDeny": "drop"}
 *   ]
 * }
 * </pre>
 */
public record PolicyDocument(String apiVersion, Set<String> protectedScopes, List<Policy> policies) {

    public static final String API_VERSION = "apiguard/v1";

    public PolicyDocument {
        protectedScopes = Set.copyOf(protectedScopes);
        policies = List.copyOf(policies);
    }
}
