/**
 * Security audit stream: every user and admin event of a realm that lists the
 * {@code apiguard-audit} event listener, and every decision API Guard takes, as an
 * {@code apiguard/v1} record with ECS fields and the OCSF class
 * ({@link dev.apiguard.keycloak.audit.AuditRecords}), redacted by allow-lists
 * ({@link dev.apiguard.keycloak.audit.Redaction}). Records are inserted into an outbox table in the
 * transaction Keycloak hands the listener ({@link dev.apiguard.keycloak.audit.AuditEventListener});
 * a dispatcher delivers them at least once to each sink with a durable cursor
 * ({@link dev.apiguard.keycloak.audit.SinkDispatcher}): JSON lines files hash-chained per realm with
 * signed checkpoints ({@link dev.apiguard.keycloak.audit.FileSink}, checked by
 * {@link dev.apiguard.keycloak.audit.AuditLogVerifier}), standard output, an HMAC-signed webhook.
 * Administrators read recent records and sink status at
 * {@code /admin/realms/{realm}/apiguard/v1/audit} ({@link dev.apiguard.keycloak.audit.AuditResource}).
 * Detectors ({@link dev.apiguard.keycloak.audit.AlertDetectors}) read the outbox on the dispatcher
 * thread with a cursor of their own ({@link dev.apiguard.keycloak.audit.AlertConsumer}) and write
 * each alert back into it as a record; thresholds per realm
 * ({@link dev.apiguard.keycloak.audit.AlertPolicy}) at
 * {@code /admin/realms/{realm}/apiguard/v1/audit-alerts}.
 *
 * <p>Plugs into Keycloak's event-listener SPI ({@code EventListenerProviderFactory}, id
 * {@code apiguard-audit}, not global), its JPA entity-provider SPI (the outbox tables, in
 * {@code kc/}) and API Guard's admin resource. docs/audit-stream.md describes it.
 */
package dev.apiguard.keycloak.audit;
