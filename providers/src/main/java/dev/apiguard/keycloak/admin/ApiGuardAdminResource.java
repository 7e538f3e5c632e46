package dev.apiguard.keycloak.admin;

import dev.apiguard.keycloak.abac.PoliciesResource;
import dev.apiguard.keycloak.audit.AlertsResource;
import dev.apiguard.keycloak.audit.AuditResource;
import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiGuardVersion;
import dev.apiguard.keycloak.kc.AdminAccess;
import dev.apiguard.keycloak.kc.CachingClientPolicyManagerFactory;
import dev.apiguard.keycloak.keys.KeysResource;
import dev.apiguard.keycloak.ratelimit.RateLimitsResource;
import dev.apiguard.keycloak.realmaudit.LiveRealmAudit;
import dev.apiguard.keycloak.tokens.TokenPolicyReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Root of {@code /admin/realms/{realm}/apiguard}. Keycloak has already authenticated the caller
 * as an administrator of some realm before this class is reached (401 otherwise); each method
 * checks the realm permission it needs through {@link AdminAccess} (403 otherwise).
 * Every error an endpoint answers is a {@link dev.apiguard.keycloak.common.ApiError}.
 */
public final class ApiGuardAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    ApiGuardAdminResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
        this.session = Objects.requireNonNull(session, "session");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /** {@code /admin/realms/{realm}/apiguard/v1/keys}: key rotation (see {@link KeysResource}). */
    @Path("v1/keys")
    public KeysResource keys() {
        return new KeysResource(session, realm, auth);
    }

    /**
     * {@code GET /admin/realms/{realm}/apiguard/v1/token-policy}: the realm's access-token ceiling
     * and settings, and where the realm or a client is set above API Guard's rules. Requires
     * {@code view-realm}.
     */
    @GET
    @Path("v1/token-policy")
    @Produces(MediaType.APPLICATION_JSON)
    public Response tokenPolicy() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        return refused != null
                ? refused
                : Response.ok(TokenPolicyReport.of(realm)).build();
    }

    /**
     * {@code GET /admin/realms/{realm}/apiguard/v1/realm-audit}: the realm security audit (see
     * {@link LiveRealmAudit}). Requires {@code view-realm} (403 {@code forbidden} otherwise).
     */
    @GET
    @Path("v1/realm-audit")
    @Produces(MediaType.APPLICATION_JSON)
    public Response realmAudit() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        return refused != null
                ? refused
                : Response.ok(LiveRealmAudit.of(session, realm)).build();
    }

    /** {@code /admin/realms/{realm}/apiguard/v1/policies}: ABAC scope policies, see {@link PoliciesResource}. */
    @Path("v1/policies")
    public PoliciesResource policies() {
        return new PoliciesResource(session, realm, auth);
    }

    /** {@code /admin/realms/{realm}/apiguard/v1/rate-limits}: rate limits, see {@link RateLimitsResource}. */
    @Path("v1/rate-limits")
    public RateLimitsResource rateLimits() {
        return new RateLimitsResource(session, realm, auth);
    }

    /** {@code /admin/realms/{realm}/apiguard/v1/audit}: recent audit records and sink status, see {@link AuditResource}. */
    @Path("v1/audit")
    public AuditResource audit() {
        return new AuditResource(session, realm, auth);
    }

    /** {@code /admin/realms/{realm}/apiguard/v1/audit-alerts}: alert thresholds, see {@link AlertsResource}. */
    @Path("v1/audit-alerts")
    public AlertsResource auditAlerts() {
        return new AlertsResource(session, realm, auth);
    }

    /**
     * {@code GET /admin/realms/{realm}/apiguard/v1/info}: the extension's version and the realm it
     * answers for. Requires {@code view-realm}.
     */
    @GET
    @Path("v1/info")
    @Produces(MediaType.APPLICATION_JSON)
    public Response info() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        ApiGuardVersion version = ApiGuardVersion.current();
        return Response.ok(new InfoRepresentation(
                        realm.getName(),
                        version.version(),
                        version.keycloakVersion(),
                        CachingClientPolicyManagerFactory.evaluation(session, realm)))
                .build();
    }
}
