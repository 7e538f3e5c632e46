/**
 * Rate limiting: one versioned document per realm (realm attribute {@code apiguard.rateLimits})
 * names token-bucket limits (GCRA) per client (tiered), per source address (IPv4 /24, IPv6 /64),
 * per username of password attempts and per realm, on the token, authorization, login-form, PAR,
 * introspection, revocation, userinfo, device and client-registration endpoints.
 *
 * <p>Plugs into Keycloak through a JAX-RS request and response filter in the provider JAR
 * ({@link dev.apiguard.keycloak.ratelimit.RateLimitFilter}): it runs after Keycloak has chosen the
 * realm and before the endpoint's method, so before client authentication, the password hash and
 * token signing. Refusals are HTTP 429 with {@code Retry-After}; limited endpoints carry the
 * {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers-12.
 * The document is compiled once per saved version and node ({@link
 * dev.apiguard.keycloak.ratelimit.RateLimitStore}); buckets live in bounded maps
 * ({@link dev.apiguard.keycloak.ratelimit.BucketTable}), cluster-wide through leases of slots in
 * Keycloak's single-use-object store ({@link dev.apiguard.keycloak.ratelimit.SharedBuckets}), with a
 * per-node share of each limit while that store fails. A client's tier may be chosen by CEL
 * conditions on the client ({@link dev.apiguard.keycloak.ratelimit.TierRules}). Admin API:
 * {@code /admin/realms/{realm}/apiguard/v1/rate-limits}. See docs/rate-limiting.md.
 */
package dev.apiguard.keycloak.ratelimit;
