package dev.apiguard.keycloak.realmaudit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit}: the realm audit of the live realm.
 * The admin root ({@code ApiGuardAdminResource}) checks {@code view-realm} before it hands out this
 * resource (Keycloak's own partial export needs {@code manage-realm}). The
 * realm model is converted with Keycloak's own export code ({@link RealmExport}), secrets
 * masked, and audited by the same {@link RealmAudit} as {@code ./apiguard audit FILE}. The
 * answer names clients, flows and settings, never a secret.
 */
public final class RealmAuditResource {

    private static final Logger LOG = Logger.getLogger(RealmAuditResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    /** For a caller already checked for {@code view-realm} on {@code realm}. */
    public RealmAuditResource(KeycloakSession session, RealmModel realm) {
        this.session = Objects.requireNonNull(session, "session");
        this.realm = Objects.requireNonNull(realm, "realm");
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public AuditReport audit() {
        long start = System.nanoTime();
        AuditReport report = new RealmAudit(Clock.systemUTC()).audit(RealmExport.of(session, realm));
        LOG.debugf("realm audit of '%s': %d findings in %d ms", realm.getName(), report.findings().size(),
                (System.nanoTime() - start) / 1_000_000);
        return report;
    }
}
