package dev.apiguard.keycloak.realmaudit;

import dev.apiguard.keycloak.kc.RealmExport;
import java.time.Clock;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The audit of a live realm, answered by {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit}
 * (the admin root checks {@code view-realm} first; Keycloak's own partial export needs
 * {@code manage-realm}). The realm model is converted with Keycloak's own export code
 * ({@link RealmExport}), secrets masked, and audited by the same {@link RealmAudit} as
 * {@code ./apiguard audit FILE}. The report names clients, flows and settings, never a secret.
 */
public final class LiveRealmAudit {

    private static final Logger LOG = Logger.getLogger(LiveRealmAudit.class);

    private LiveRealmAudit() {}

    public static AuditReport of(KeycloakSession session, RealmModel realm) {
        long start = System.nanoTime();
        AuditReport report = new RealmAudit(Clock.systemUTC()).audit(RealmExport.of(session, realm));
        LOG.debugf(
                "realm audit of '%s': %d findings in %d ms",
                realm.getName(), report.findings().size(), (System.nanoTime() - start) / 1_000_000);
        return report;
    }
}
