/**
 * The demo orders API that {@code ./apiguard dev} serves next to Keycloak: three operations protected by
 * {@code apiguard-resource-server} (scopes per operation, RFC 9470 step-up for delete), on the JDK's own
 * HTTPS server so that the demo needs nothing beyond the library.
 */
package dev.apiguard.demo;
