/**
 * PKCE beyond Keycloak's {@code pkce-enforcer}: detection of static verifiers (a
 * {@code code_challenge} seen again for the same client within a window is refused, or recorded)
 * and a discovery document that advertises only {@code S256} where the baseline enforces it.
 *
 * <p>Plugs into the client-policy SPI (executor {@code apiguard-pkce-challenge-reuse} at
 * {@code AUTHORIZATION_REQUEST}; its memory is Keycloak's {@code SingleUseObjectProvider}, shared
 * by the nodes of a cluster and expiring by itself) and the well-known SPI (a decorator of
 * Keycloak's {@code openid-configuration}).
 */
package dev.apiguard.keycloak.pkce;
