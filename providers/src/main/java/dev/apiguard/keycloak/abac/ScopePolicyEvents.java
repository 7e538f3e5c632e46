package dev.apiguard.keycloak.abac;

import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * The event of a runtime deny: error {@value #ERROR} on the grant's error event type, with details
 * {@code scope}, {@value #POLICY} (the deciding policy, or {@code (none)}), {@value #CONDITION}
 * (its condition as written, cut at {@value #MAX_CONDITION} characters), {@code reason} and
 * {@value #ACTION} ({@code drop} or {@code refuse}). Conditions are written by administrators and
 * hold no request data; no token, code or secret is ever added.
 */
final class ScopePolicyEvents {

    static final String ERROR = "scope_policy_denied";
    static final String POLICY = "apiguard_policy";
    static final String CONDITION = "apiguard_condition";
    static final String ACTION = "apiguard_action";
    private static final int MAX_CONDITION = 500;

    private static final Logger LOG = Logger.getLogger(ScopePolicyEvents.class);

    private ScopePolicyEvents() {}

    static void denied(
            KeycloakSession session,
            EventType type,
            ClientModel client,
            UserModel user,
            UserSessionModel userSession,
            Decision decision) {
        RealmModel realm = session.getContext().getRealm();
        String condition = decision.condition() == null
                ? "(none)"
                : decision.condition().length() > MAX_CONDITION
                        ? decision.condition().substring(0, MAX_CONDITION) + "..."
                        : decision.condition();
        String action = decision.refused() ? "refuse" : "drop";
        EventBuilder event = new EventBuilder(
                        realm, session, session.getContext().getConnection())
                .event(type)
                .client(client)
                .detail(Details.SCOPE, decision.scope())
                .detail(POLICY, decision.policy() == null ? "(none)" : decision.policy())
                .detail(CONDITION, condition)
                .detail(Details.REASON, decision.reason())
                .detail(ACTION, action);
        if (user != null) {
            event.user(user);
        }
        if (userSession != null) {
            event.session(userSession);
        }
        event.error(ERROR);
        LOG.infof(
                "Scope '%s' denied (%s) to client '%s' for user '%s' in realm '%s' by policy '%s': %s",
                decision.scope(),
                action,
                client.getClientId(),
                user == null ? "-" : user.getId(),
                realm.getName(),
                decision.policy() == null ? "(none)" : decision.policy(),
                decision.reason());
    }
}
