/**
 * Realm configuration as code: checks a realm file before Keycloak imports it.
 *
 * <p>Keycloak resolves {@code ${ENV}} placeholders at import and silently stores a placeholder
 * whose variable is unset as the literal text, ignores misspelt fields, and stops half-way
 * through a start on a file it cannot read. {@link dev.apiguard.keycloak.realmconfig.RealmFileCheck}
 * finds these problems first and names the file, the place and the problem. It runs outside
 * Keycloak (from {@code ./apiguard} before the server starts) with Keycloak's own representation
 * classes; it plugs into no SPI.
 */
package dev.apiguard.keycloak.realmconfig;
