package dev.apiguard.keycloak.kc;

import java.util.Map;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Sends an admin event outside an admin request (from a scheduled task, or from the transaction
 * of a lock), through Keycloak's own builder so it is stored and sent to the realm's listeners
 * like Keycloak's events.
 */
public final class AdminEvents {

    private AdminEvents() {}

    /**
     * @param template who acted: a copy of a request's event, or one naming only the realm
     * @param details added as event details (in order)
     */
    public static void success(
            KeycloakSession session,
            RealmModel realm,
            AdminEvent template,
            OperationType operation,
            ResourceType resource,
            String resourcePath,
            Object representation,
            Map<String, String> details) {
        AdminEventBuilder builder = new Builder(realm, session, template)
                .operation(operation)
                .resource(resource)
                .resourcePath(resourcePath)
                .representation(representation);
        details.forEach(builder::detail);
        builder.success();
    }

    /** Keycloak's builder, started from a prepared event instead of an {@code AdminAuth}. */
    private static final class Builder extends AdminEventBuilder {
        Builder(RealmModel realm, KeycloakSession session, AdminEvent template) {
            super(
                    realm,
                    null,
                    session,
                    template.getAuthDetails() == null
                            ? null
                            : template.getAuthDetails().getIpAddress(),
                    template);
        }
    }
}
