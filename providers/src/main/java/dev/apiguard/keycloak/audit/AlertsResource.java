package dev.apiguard.keycloak.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.common.RealmDocuments;
import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code /admin/realms/{realm}/apiguard/v1/audit-alerts}: the realm's alert thresholds
 * ({@link AlertPolicy}, realm attribute {@value AlertPolicy#ATTRIBUTE}).
 * <ul>
 *   <li>{@code GET} ({@code view-realm}): the stored document as saved, its version in {@code ETag};
 *       404 if none (the defaults apply);</li>
 *   <li>{@code PUT} ({@code manage-realm}): check, then store and record an admin event; any problem
 *       answers 400 {@value #INVALID} naming every problem, and nothing is stored;</li>
 *   <li>{@code POST validate} ({@code view-realm}): the same checks, nothing stored;</li>
 *   <li>{@code DELETE} ({@code manage-realm}): removes the document; the defaults apply again.</li>
 * </ul>
 * Keycloak authenticated the caller (401 otherwise); permissions are checked here (403).
 */
public final class AlertsResource {

    static final String INVALID = "invalid_alert_document";
    private static final Logger LOG = Logger.getLogger(AlertsResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    public AlertsResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
        this.session = Objects.requireNonNull(session, "session");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /** Body of a valid document. */
    public record Saved(
            @JsonProperty("valid") boolean valid,
            @JsonProperty("version") String version) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        String source = realm.getAttribute(AlertPolicy.ATTRIBUTE);
        boolean none = source == null || source.isBlank();
        return RealmDocuments.stored(
                none ? null : source,
                none ? null : RealmDocuments.version(source),
                "realm has no alert document: the default thresholds apply");
    }

    @PUT
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm", session);
        if (refused != null) {
            return refused;
        }
        String source = body == null ? "" : body;
        try {
            AlertPolicy.parse(source);
        } catch (AlertPolicy.Invalid e) {
            LOG.infof(
                    "Alert document refused for realm '%s': %d problem(s); the previous one stays in force",
                    realm.getName(), e.problems().size());
            return invalid(e.problems());
        }
        String version = RealmDocuments.version(source);
        realm.setAttribute(AlertPolicy.ATTRIBUTE, source);
        auth.realmUpdated(session, Map.of("auditAlertsVersion", version), Map.of("auditAlertsVersion", version));
        LOG.infof("Alert document version %s saved for realm '%s' by '%s'", version, realm.getName(), auth.username());
        return Response.ok(new Saved(true, version)).tag(version).build();
    }

    @POST
    @Path("validate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response validate(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm", session);
        if (refused != null) {
            return refused;
        }
        String source = body == null ? "" : body;
        try {
            AlertPolicy.parse(source);
            return Response.ok(new Saved(true, RealmDocuments.version(source))).build();
        } catch (AlertPolicy.Invalid e) {
            return invalid(e.problems());
        }
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Response delete() {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm");
        if (refused != null) {
            return refused;
        }
        if (realm.getAttribute(AlertPolicy.ATTRIBUTE) == null) {
            return ApiError.response(
                    Response.Status.NOT_FOUND, ApiError.NOT_FOUND, "realm has no alert document", List.of());
        }
        realm.removeAttribute(AlertPolicy.ATTRIBUTE);
        auth.realmUpdated(session, Map.of("auditAlertsVersion", "none"), Map.of("auditAlertsVersion", "none"));
        LOG.infof("Alert document removed from realm '%s' by '%s'", realm.getName(), auth.username());
        return Response.noContent().build();
    }

    private static Response invalid(List<String> problems) {
        return RealmDocuments.invalid(INVALID, "the alert document", problems);
    }
}
