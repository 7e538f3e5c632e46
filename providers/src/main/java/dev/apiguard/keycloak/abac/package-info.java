/**
 * Attribute-based scope policies (ABAC): one versioned policy document per realm decides, from
 * attributes of the user, the client, the request, the authentication and the time, which
 * protected client scopes a token may carry.
 *
 * <p>Conditions are CEL expressions, compiled once per saved document ({@link
 * dev.apiguard.keycloak.abac.PolicyCompiler}) and evaluated per request ({@link
 * dev.apiguard.keycloak.abac.CompiledPolicies}); every error fails closed. Plugs into Keycloak
 * through a client-policy executor (token endpoint: code, refresh, client credentials, token
 * exchange), a required action (after login, before consent and before the code is issued) and
 * a sub-resource of API Guard's admin API ({@code /admin/realms/{realm}/apiguard/v1/policies}).
 * The document lives in a realm attribute; compiled forms are cached per node by realm and hash.
 */
package dev.apiguard.keycloak.abac;
