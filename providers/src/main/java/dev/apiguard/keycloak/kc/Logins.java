package dev.apiguard.keycloak.kc;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCWellKnownProviderFactory;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The OpenID Connect login internals API Guard touches. */
public final class Logins {

    /** The protocol name of OpenID Connect logins ({@code openid-connect}). */
    public static final String OIDC_PROTOCOL = OIDCLoginProtocol.LOGIN_PROTOCOL;

    /** The id of Keycloak's own OpenID discovery provider ({@code openid-configuration}). */
    public static final String OIDC_WELL_KNOWN = OIDCWellKnownProviderFactory.PROVIDER_ID;

    private Logins() {
    }

    /** Recomputes the client scopes of a login after its {@code scope} note changed (consent and code follow it). */
    public static void refreshClientScopes(KeycloakSession session, AuthenticationSessionModel authSession) {
        AuthenticationManager.setClientScopesInSession(session, authSession);
    }
}
