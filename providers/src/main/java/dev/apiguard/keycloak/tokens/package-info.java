/**
 * Short-lived tokens: access-token lifetime ceilings per realm and per client scope, RFC 9068
 * access tokens ({@code typ: at+jwt}, {@code client_id}), the signing algorithms FAPI 2.0 allows,
 * and refresh-token reuse detection that revokes the whole login session.
 *
 * <p>Plugs into the protocol-mapper SPI ({@code apiguard-access-token-profile}, which runs for
 * every grant that issues an access token: code, refresh, client credentials, token exchange) and
 * the client-policy SPI ({@code apiguard-token-policy} at client registration,
 * {@code apiguard-refresh-token-reuse} at {@code TOKEN_REFRESH}).
 */
package dev.apiguard.keycloak.tokens;
