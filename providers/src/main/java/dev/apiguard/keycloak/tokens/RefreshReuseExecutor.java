package dev.apiguard.keycloak.tokens;

import dev.apiguard.keycloak.kc.PolicyContexts;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.util.TokenUtil;

/**
 * Refresh-token reuse detection (RFC 9700 4.14). In a realm that rotates refresh tokens, a refresh
 * request with a token that was already used ({@link RefreshReuse}) ends the whole login session:
 * every refresh token of it stops working and its access tokens introspect inactive. The request
 * fails with {@code invalid_grant}, and an event {@code REFRESH_TOKEN_ERROR} with error
 * {@code refresh_token_reused} names client, user and session; no token appears in it.
 */
final class RefreshReuseExecutor implements ClientPolicyExecutorProvider<RefreshReuseConfiguration> {

    static final String ERROR = "refresh_token_reused";
    static final String DETAIL = "Refresh token reuse detected: the session was revoked";

    private static final Logger LOG = Logger.getLogger(RefreshReuseExecutor.class);

    private final KeycloakSession session;
    private RefreshReuseConfiguration configuration = new RefreshReuseConfiguration();

    RefreshReuseExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void setupConfiguration(RefreshReuseConfiguration config) {
        this.configuration = config == null ? new RefreshReuseConfiguration() : config;
    }

    @Override
    public Class<RefreshReuseConfiguration> getExecutorConfigurationClass() {
        return RefreshReuseConfiguration.class;
    }

    @Override
    public String getProviderId() {
        return RefreshReuseExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        PolicyContexts.RefreshRequest refresh =
                PolicyContexts.refreshRequest(context).orElse(null);
        if (refresh == null) {
            return;
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = refresh.client();
        if (!realm.isRevokeRefreshToken() || client == null || !configuration.appliesTo(client)) {
            return;
        }
        String encoded = refresh.parameters().getFirst(OAuth2Constants.REFRESH_TOKEN);
        RefreshToken token = encoded == null ? null : session.tokens().decode(encoded, RefreshToken.class);
        if (token == null
                || token.getId() == null
                || token.getIat() == null
                || token.getSessionId() == null
                || !client.getClientId().equals(token.getIssuedFor())) {
            return; // Keycloak answers tokens it cannot verify or that belong to another client
        }
        boolean offline = TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType());
        UserSessionModel userSession = offline
                ? session.sessions().getOfflineUserSession(realm, token.getSessionId())
                : session.sessions().getUserSession(realm, token.getSessionId());
        if (userSession == null) {
            return; // already ended: Keycloak answers invalid_grant
        }
        AuthenticatedClientSessionModel clientSession =
                userSession.getAuthenticatedClientSessionByClient(client.getId());
        if (clientSession == null) {
            return;
        }
        String key = Optional.ofNullable(token.getOtherClaims().get(Constants.REUSE_ID))
                .map(String::valueOf)
                .orElse("");
        boolean reused = RefreshReuse.isReuse(
                token.getId(),
                token.getIat(),
                clientSession.getRefreshToken(key),
                clientSession.getRefreshTokenUseCount(key),
                clientSession.getRefreshTokenLastRefresh(key),
                realm.getRefreshTokenMaxReuse());
        if (!reused) {
            return;
        }
        LOG.warnf(
                "Refresh token reuse by client '%s' in realm '%s': revoking session '%s' of user '%s'",
                client.getClientId(),
                realm.getName(),
                userSession.getId(),
                userSession.getUser().getId());
        new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.REFRESH_TOKEN)
                .client(client)
                .user(userSession.getUser())
                .session(userSession)
                .detail(Details.REASON, ERROR)
                .error(ERROR);
        if (offline) {
            session.sessions().removeOfflineUserSession(realm, userSession);
        } else {
            session.sessions().removeUserSession(realm, userSession);
        }
        throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT, DETAIL);
    }
}
