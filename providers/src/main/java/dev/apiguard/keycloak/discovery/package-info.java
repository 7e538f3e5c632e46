/**
 * The realm's OpenID Connect discovery document, telling no more than is enforced: Keycloak's own
 * {@code openid-configuration}, narrowed where API Guard's baseline covers every client of the
 * realm ({@code code_challenge_methods_supported: ["S256"]} under {@code pkce-enforcer}; only the
 * FAPI 2.0 signing algorithms plus the RS256 opt-in, and never {@code none}, under
 * {@code apiguard-token-policy}; only the {@code code} response type and no {@code implicit} grant
 * under {@code reject-implicit-grant}; no {@code password} grant under {@code reject-ropc-grant}).
 *
 * <p>Plugs into the well-known SPI: a provider with Keycloak's alias {@code openid-configuration}
 * and a higher precedence, which decorates Keycloak's provider.
 */
package dev.apiguard.keycloak.discovery;
