/**
 * Client guard: no client of a realm under API Guard's baseline can be created or changed into
 * one that breaks it (PKCE off or {@code plain} for the code flow, the implicit flow, the password
 * grant, a wildcard, fragment, relative or non-loopback {@code http} redirect URI). Refusals name
 * the field. The operator clients Keycloak creates in every realm stay outside the baseline, so
 * the policy never locks administrators out.
 *
 * <p>Plugs into Keycloak's client-policy SPI: an executor ({@code apiguard-client-guard}) at the
 * {@code REGISTER} and {@code UPDATE} events (admin REST API, admin console, dynamic client
 * registration) and a condition ({@code apiguard-operator-client}).
 */
package dev.apiguard.keycloak.clientguard;
