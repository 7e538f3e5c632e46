package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.kc.AdminEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

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

        Map<String, String> details = new LinkedHashMap<>(representation);
        if (actor != null) {
            details.put("actor", actor);
        }
        AdminEvents.success(
                session,
                realm,
                template,
                operation,
                ResourceType.COMPONENT,
                "components/" + componentId,
                representation,
                details);
        if (to == KeyState.REVOKED) {
            LOG.warnf(
                    "apiguard: key revoked: realm '%s', kid '%s', algorithm %s, was %s",
                    realm.getName(), kid, algorithm, from == null ? "unknown" : from.label());
        } else {
            LOG.infof(
                    "apiguard: key %s: realm '%s', kid '%s', algorithm %s, was %s (%s)",
                    to.label(), realm.getName(), kid, algorithm, from == null ? "not recorded" : from.label(), reason);
        }
    }
}
