/**
 * Key rotation: each realm's signing and secret keys follow a lifecycle (next, active, retired,
 * deleted; revoked at once in an emergency) set by the realm's rotation policy
 * ({@link dev.apiguard.keycloak.keys.RotationPolicy}, realm attribute {@code apiguard.keyRotation}).
 * A scheduled task ({@link dev.apiguard.keycloak.keys.KeyRotationTask}) applies the transitions that
 * are due, exactly once per cluster, under the realm's database row lock
 * ({@link dev.apiguard.keycloak.keys.KeyRotationEngine}); the pure planner
 * ({@link dev.apiguard.keycloak.keys.KeyLifecycle#plan}) decides them. The JWKS gets a
 * {@code Cache-Control} that matches the policy ({@link dev.apiguard.keycloak.keys.JwksCacheControlFilter}).
 * Every transition is an admin event ({@link dev.apiguard.keycloak.keys.KeyEvents}). Administrators
 * read and change the policy, rotate now and revoke through
 * {@code /admin/realms/{realm}/apiguard/v1/keys} ({@link dev.apiguard.keycloak.keys.KeysResource}).
 *
 * <p>Plugs into API Guard's own SPI {@code apiguard-key-rotation} (server options of the schedule),
 * Keycloak's timer and cluster providers and its key components ({@code KeyProvider}).
 */
package dev.apiguard.keycloak.keys;
