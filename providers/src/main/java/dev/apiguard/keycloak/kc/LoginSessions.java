package dev.apiguard.keycloak.kc;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The login in progress of a browser ({@code AuthenticationSessionManager}, keycloak-services). */
public final class LoginSessions {

    private LoginSessions() {}

    /**
     * The user a login in progress has identified (after the username or password step, e.g. on
     * the OTP form), from the browser's authentication-session cookie, the client and the tab;
     * {@code null} when there is none.
     */
    public static UserModel identifiedUser(KeycloakSession session, RealmModel realm, String clientId, String tabId) {
        if (clientId == null || tabId == null) {
            return null;
        }
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            return null;
        }
        AuthenticationSessionModel login =
                new AuthenticationSessionManager(session).getCurrentAuthenticationSession(realm, client, tabId);
        return login == null ? null : login.getAuthenticatedUser();
    }
}
