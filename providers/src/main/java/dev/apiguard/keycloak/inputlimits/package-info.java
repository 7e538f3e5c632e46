/**
 * Bad input is answered 400, never 500: malformed requests that Keycloak 26.7 or the HTTP layer
 * below it refuse by throwing an exception that would otherwise end as "Uncaught server error"
 * (more than 1,000 form fields, an undecodable escape, a truncated multipart body, an unparsable
 * {@code Content-Type}, a non-form body at the device endpoint).
 *
 * <p>Plugs into JAX-RS, not a Keycloak SPI: {@code @Provider} exception mappers and a pre-matching
 * request filter inside the provider JAR, which Keycloak's build step registers like its own (as
 * it does for JAX-RS filters since Keycloak 24). They apply to every realm, adopted or not, and
 * change only answers that were a 500 for a malformed request; every other exception goes to
 * Keycloak's own error handler (see docs/known-issues.md).
 */
package dev.apiguard.keycloak.inputlimits;
