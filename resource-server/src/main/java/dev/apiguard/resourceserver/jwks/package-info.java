/**
 * Where verification keys come from: the issuer's JWKS, cached by nimbus's JWK set sources with
 * refresh-ahead, a rate limit on refetching for an unknown {@code kid}, one retry, outage tolerance, and a
 * cache lifetime taken from the JWKS answer's {@code Cache-Control: max-age} (API Guard's key rotation
 * pre-publishes a key at least that long before it signs with it).
 */
package dev.apiguard.resourceserver.jwks;
