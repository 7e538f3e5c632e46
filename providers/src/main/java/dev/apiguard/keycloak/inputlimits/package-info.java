/**
 * Bad input is answered 400, never 500: limits that Keycloak or the HTTP layer below it enforce
 * by throwing an exception that would otherwise end as "Uncaught server error".
 *
 * <p>Plugs into JAX-RS, not a Keycloak SPI: a {@code @Provider} exception mapper inside the
 * provider JAR, which Keycloak's build step registers like its own (as it does for JAX-RS filters
 * since Keycloak 24). It applies to every realm, adopted or not: it changes only answers that
 * were a 500 for malformed requests (see docs/known-issues.md and docs/admin-api.md).
 */
package dev.apiguard.keycloak.inputlimits;
