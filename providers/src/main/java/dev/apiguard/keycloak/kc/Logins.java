package dev.apiguard.keycloak.kc;

import java.util.List;
import java.util.function.ToIntFunction;
import org.keycloak.OAuth2Constants;
import org.keycloak.constants.AdapterConstants;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.LoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCProviderConfig;
import org.keycloak.protocol.oidc.OIDCWellKnownProviderFactory;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The OpenID Connect login internals API Guard touches. */
public final class Logins {

    /** The protocol name of OpenID Connect logins ({@code openid-connect}). */
    public static final String OIDC_PROTOCOL = OIDCLoginProtocol.LOGIN_PROTOCOL;

    /** The id of Keycloak's own OpenID discovery provider ({@code openid-configuration}). */
    public static final String OIDC_WELL_KNOWN = OIDCWellKnownProviderFactory.PROVIDER_ID;

    /**
     * The authorization-request parameters whose length Keycloak limits, and which it drops
     * silently (logs and ignores) when they are longer, as its {@code AuthzEndpointRequestParser}
     * reads them.
     */
    public static final List<String> LIMITED_PARAMETERS = List.of(
            OIDCLoginProtocol.CLIENT_ID_PARAM,
            OIDCLoginProtocol.RESPONSE_TYPE_PARAM,
            OIDCLoginProtocol.RESPONSE_MODE_PARAM,
            OIDCLoginProtocol.REDIRECT_URI_PARAM,
            OIDCLoginProtocol.STATE_PARAM,
            OIDCLoginProtocol.SCOPE_PARAM,
            OIDCLoginProtocol.RESOURCE_PARAM,
            OIDCLoginProtocol.LOGIN_HINT_PARAM,
            OIDCLoginProtocol.PROMPT_PARAM,
            AdapterConstants.KC_IDP_HINT,
            Constants.KC_ACTION,
            OIDCLoginProtocol.NONCE_PARAM,
            OIDCLoginProtocol.CLAIMS_PARAM,
            OIDCLoginProtocol.ACR_PARAM,
            OAuth2Constants.DISPLAY,
            OIDCLoginProtocol.UI_LOCALES_PARAM,
            OIDCLoginProtocol.CODE_CHALLENGE_PARAM,
            OIDCLoginProtocol.CODE_CHALLENGE_METHOD_PARAM,
            OIDCLoginProtocol.DPOP_JKT);

    private Logins() {}

    /**
     * Keycloak's length limit of each standard authorization parameter (its OIDC login protocol's
     * configuration), for a check that refuses what Keycloak would silently drop.
     */
    public static ToIntFunction<String> parameterLimits(KeycloakSession session) {
        OIDCProviderConfig limits = ((OIDCLoginProtocol)
                        session.getProvider(LoginProtocol.class, OIDCLoginProtocol.LOGIN_PROTOCOL))
                .getConfig();
        return name -> limits.getMaxLengthForTheParameter(name, false);
    }

    /** Recomputes the client scopes of a login after its {@code scope} note changed (consent and code follow it). */
    public static void refreshClientScopes(KeycloakSession session, AuthenticationSessionModel authSession) {
        AuthenticationManager.setClientScopesInSession(session, authSession);
    }
}
