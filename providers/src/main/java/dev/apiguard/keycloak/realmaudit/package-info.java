/**
 * Realm security audit: checks a realm against API-security practice (RFC 9700, OAuth 2.1,
 * FAPI 2.0, RFC 8252, RFC 9068, RFC 7518, NIST SP 800-63B, OWASP API Security Top 10) and
 * Keycloak-specific pitfalls, and reports each finding with its source and the setting that fixes it.
 *
 * <p>Every {@link dev.apiguard.keycloak.realmaudit.Check} is a pure function over one
 * {@link org.keycloak.representations.idm.RealmRepresentation} in the export format
 * ({@link dev.apiguard.keycloak.realmaudit.Checks} lists them), so the same code runs offline
 * ({@link dev.apiguard.keycloak.realmaudit.RealmAuditCommand}, run by {@code ./apiguard audit} on
 * realm files and exports, with text, JSON or SARIF 2.1.0 output and a suppressions file) and live
 * ({@link dev.apiguard.keycloak.realmaudit.LiveRealmAudit}, answered at
 * {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit} by the admin package's
 * {@code AdminRealmResourceProvider}, which needs only {@code view-realm}). The live endpoint
 * converts the realm model with Keycloak's own partial-export code, called through the
 * adapter package ({@link dev.apiguard.keycloak.kc.RealmExport}).
 */
package dev.apiguard.keycloak.realmaudit;
