package dev.apiguard.keycloak.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Reports every key transition twice: an admin event (resource type {@code COMPONENT}, path
 * {@code components/<id>}, details {@code kid}, {@code algorithm}, {@code state}, {@code from},
 * {@code reason}) stored and sent to the realm's listeners like Keycloak's own, and an INFO log
 * line naming realm, kid and state. Never key material.
 *
 * <p>Transitions of the schedule have no administrator behind them: their events name the realm
 * as the acting realm, no user, and the detail {@code actor=apiguard-key-rotation}.
 */
final class KeyEvents {

    static final String SCHEDULE_ACTOR = "apiguard-key-rotation";

    private static final Logger LOG = Logger.getLogger(KeyEvents.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminEvent template;
    private final String actor;

    private KeyEvents(KeycloakSession session, RealmModel realm, AdminEvent template, String actor) {
        this.session = session;
        this.realm = realm;
        this.template = template;
        this.actor = actor;
    }

    /** For transitions an administrator asked for: the event carries their identity. */
    static KeyEvents ofAdministrator(KeycloakSession session, RealmModel realm, AdminEvent requestEvent) {
        AdminEvent template = new AdminEvent(requestEvent);
        template.setDetails(null);
        return new KeyEvents(session, realm, template, null);
    }

    /** For transitions of the schedule. */
    static KeyEvents ofSchedule(KeycloakSession session, RealmModel realm) {
        AdminEvent template = new AdminEvent();
        template.setRealmId(realm.getId());
        template.setRealmName(realm.getName());
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setRealmName(realm.getName());
        template.setAuthDetails(auth);
        return new KeyEvents(session, realm, template, SCHEDULE_ACTOR);
    }

    void transition(String componentId, String kid, String algorithm, KeyState from, KeyState to, String reason) {
        OperationType operation = switch (to) {
            case NEXT -> OperationType.CREATE;
            case ACTIVE, RETIRED -> OperationType.UPDATE;
            case DELETED, REVOKED -> OperationType.DELETE;
        };
        Map<String, String> representation = new LinkedHashMap<>();
        representation.put("kid", kid);
        representation.put("algorithm", algorithm);
        representation.put("state", to.label());
        if (from != null) {
            representation.put("from", from.label());
        }
        representation.put("reason", reason);

        AdminEventBuilder builder = new Builder(realm, session, template)
                .operation(operation)
                .resource(ResourceType.COMPONENT)
                .resourcePath("components", componentId)
                .representation(representation);
        representation.forEach(builder::detail);
        if (actor != null) {
            builder.detail("actor", actor);
        }
        builder.success();
        if (to == KeyState.REVOKED) {
            LOG.warnf("apiguard: key revoked: realm '%s', kid '%s', algorithm %s, was %s",
                    realm.getName(), kid, algorithm, from == null ? "unknown" : from.label());
        } else {
            LOG.infof("apiguard: key %s: realm '%s', kid '%s', algorithm %s, was %s (%s)",
                    to.label(), realm.getName(), kid, algorithm, from == null ? "not recorded" : from.label(), reason);
        }
    }

    /** Keycloak's builder, started from a prepared event instead of an {@code AdminAuth}. */
    private static final class Builder extends AdminEventBuilder {
        Builder(RealmModel realm, KeycloakSession session, AdminEvent template) {
            super(realm, null, session, template.getAuthDetails() == null ? null : template.getAuthDetails().getIpAddress(), template);
        }
    }
}
