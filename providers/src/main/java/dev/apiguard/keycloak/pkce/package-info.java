/**
 * PKCE beyond Keycloak's {@code pkce-enforcer}: detection of static verifiers (a
 * {@code code_challenge} seen again for the same client within a window is refused, or recorded).
 * Discovery's {@code S256}-only answer lives in the discovery package.
 *
 * <p>Plugs into the client-policy SPI (executor {@code apiguard-pkce-challenge-reuse} at
 * {@code AUTHORIZATION_REQUEST}); its memory is Keycloak's {@code SingleUseObjectProvider}, shared
 * by the nodes of a cluster and expiring by itself.
 */
package dev.apiguard.keycloak.pkce;
