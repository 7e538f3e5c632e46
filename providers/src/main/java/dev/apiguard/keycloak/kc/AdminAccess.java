package dev.apiguard.keycloak.kc;

import java.util.Map;
import java.util.Objects;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The caller of an API Guard admin endpoint: Keycloak's permission checks (403 when missing) and
 * the admin event of the request. Made once per request by the admin resource provider from the
 * two internal objects Keycloak hands it.
 */
public final class AdminAccess {

    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    private AdminAccess(AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.adminEvent = Objects.requireNonNull(adminEvent, "adminEvent");
    }

    public static AdminAccess of(AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new AdminAccess(auth, adminEvent);
    }

    public void requireViewRealm() {
        auth.realm().requireViewRealm();
    }

    public void requireManageRealm() {
        auth.realm().requireManageRealm();
    }

    public void requireViewUser(UserModel user) {
        auth.users().requireView(user);
    }

    /** The administrator's username, for log lines. */
    public String username() {
        return auth.adminAuth().getUser().getUsername();
    }

    /** The request's admin event as Keycloak prepared it (who, from where), for events sent from another transaction. */
    public AdminEvent requestEvent() {
        return adminEvent.getEvent();
    }

    /** Records a successful change of the realm (resource {@code REALM}, path = the request's URI). */
    public void realmUpdated(KeycloakSession session, Object representation, Map<String, String> details) {
        AdminEventBuilder event = adminEvent
                .operation(OperationType.UPDATE)
                .resource(ResourceType.REALM)
                .resourcePath(session.getContext().getUri())
                .representation(representation);
        details.forEach(event::detail);
        event.success();
    }
}
