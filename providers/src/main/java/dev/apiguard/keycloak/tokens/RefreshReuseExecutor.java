package dev.apiguard.keycloak.tokens;

import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.PolicyContexts;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Refresh-token reuse detection (RFC 9700 4.14). In a realm that rotates refresh tokens, a refresh
 * request with a token that was already used ({@link RefreshReuse}) ends the whole login session:
 * every refresh token of it stops working and its access tokens introspect inactive. The request
 * fails with {@code invalid_grant}, and an event {@code REFRESH_TOKEN_ERROR} with error
 * {@code refresh_token_reused} names client, user and session; no token appears in it.
 *
 * <p>Only a verified token revokes a session. Most refreshes are decided without the signature
 * check ({@link PresentedRefreshToken#peek}): a token that is not a reuse by its own claims is left
 * to Keycloak, which verifies it next; the others are verified here first.
 */
final class RefreshReuseExecutor implements ClientPolicyExecutorProvider<RefreshReuseConfiguration> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): refresh requests, before the token is verified.
     */
    static final Set<ClientPolicyEvent> EVENTS =
            Collections.unmodifiableSet(EnumSet.of(ClientPolicyEvent.TOKEN_REFRESH));

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
        if (!EVENTS.contains(context.getEvent())) {
            return;
        }
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
        if (encoded == null) {
            return;
        }
        // Most refreshes are not a reuse, and the token's own claims say so: read them without the
        // signature check (Keycloak verifies the token next). Only a token that looks reused, or
        // one this cheap reading is not sure of, is verified here, and decided on its verified claims.
        PresentedRefreshToken peeked = PresentedRefreshToken.peek(encoded);
        if (peeked != null && reusedSession(realm, client, peeked) == null) {
            return;
        }
        RefreshToken token = session.tokens().decode(encoded, RefreshToken.class);
        PresentedRefreshToken presented = token == null ? null : PresentedRefreshToken.of(token);
        UserSessionModel userSession = presented == null ? null : reusedSession(realm, client, presented);
        if (userSession == null) {
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
        if (presented.offline()) {
            session.sessions().removeOfflineUserSession(realm, userSession);
        } else {
            session.sessions().removeUserSession(realm, userSession);
        }
        throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT, DETAIL);
    }

    /**
     * The login session that {@code presented} belongs to, when it is a reuse of a refresh token of
     * {@code client} on it; {@code null} when it is not, or when there is nothing to compare with
     * (another client's token, a session already ended, a client not in the session): Keycloak
     * answers those itself.
     */
    private UserSessionModel reusedSession(RealmModel realm, ClientModel client, PresentedRefreshToken presented) {
        if (!client.getClientId().equals(presented.issuedFor())) {
            return null;
        }
        UserSessionModel userSession = presented.offline()
                ? session.sessions().getOfflineUserSession(realm, presented.sessionId())
                : session.sessions().getUserSession(realm, presented.sessionId());
        if (userSession == null) {
            return null;
        }
        AuthenticatedClientSessionModel clientSession =
                userSession.getAuthenticatedClientSessionByClient(client.getId());
        if (clientSession == null) {
            return null;
        }
        String key = presented.reuseId();
        boolean reused = RefreshReuse.isReuse(
                presented.id(),
                presented.issuedAt(),
                clientSession.getRefreshToken(key),
                clientSession.getRefreshTokenUseCount(key),
                clientSession.getRefreshTokenLastRefresh(key),
                realm.getRefreshTokenMaxReuse());
        return reused ? userSession : null;
    }
}
