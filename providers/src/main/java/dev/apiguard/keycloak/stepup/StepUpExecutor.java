package dev.apiguard.keycloak.stepup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.apiguard.keycloak.common.TokenScopes;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.utils.AcrUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.TokenResponseContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Enforces {@link AdminScopes} at every grant path:
 * <ul>
 *   <li>{@code AUTHORIZATION_REQUEST}: a request with an administrative scope asks Keycloak's
 *       level-of-authentication flow for the scope's level (forced), so an SSO session without
 *       that level gets the second-factor prompt, or OTP enrolment for a user without one. A
 *       request that itself names an {@code acr} keeps it (RFC 9470); the token endpoint then
 *       decides.</li>
 *   <li>{@code TOKEN_RESPONSE}, {@code TOKEN_REFRESH_RESPONSE}: an administrative scope stays in
 *       the access and refresh tokens only if the login session reached the level within the
 *       scope's max age (Keycloak's per-level times); otherwise it is dropped, so a refresh after
 *       the max age loses it and the client must step up again.</li>
 *   <li>{@code SERVICE_ACCOUNT_TOKEN_RESPONSE}: never, unless the client is allowed
 *       ({@code apiguard.admin.service-account=true}).</li>
 *   <li>{@code TOKEN_EXCHANGE_REQUEST}: an exchange asking for one is refused
 *       ({@code invalid_scope}) unless the subject token's session meets it.</li>
 * </ul>
 * Every drop or refusal is an event ({@code CODE_TO_TOKEN_ERROR}, {@code REFRESH_TOKEN_ERROR},
 * {@code CLIENT_LOGIN_ERROR}, {@code TOKEN_EXCHANGE_ERROR}) with error {@code step_up_required}
 * naming client, user, session and scope. This executor must be the last one of its profile that
 * changes tokens: to keep the response's {@code scope} equal to the token's, it builds the
 * response itself (Keycloak reuses that response), also for scopes an earlier executor (ABAC's
 * {@code apiguard-scope-policy}) withheld through {@link TokenScopes}.
 */
final class StepUpExecutor implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    static final String ERROR = "step_up_required";

    private static final Logger LOG = Logger.getLogger(StepUpExecutor.class);

    private final KeycloakSession session;

    StepUpExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return StepUpExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        switch (context.getEvent()) {
            case AUTHORIZATION_REQUEST -> requireLevel((AuthorizationRequestContext) context);
            case TOKEN_RESPONSE -> {
                TokenResponseContext response = (TokenResponseContext) context;
                keepOnlyFresh(response.getAccessTokenResponseBuilder(), response.getClientSession(), EventType.CODE_TO_TOKEN);
            }
            case TOKEN_REFRESH_RESPONSE -> {
                TokenRefreshResponseContext response = (TokenRefreshResponseContext) context;
                keepOnlyFresh(response.getAccessTokenResponseBuilder(), response.getClientSession(), EventType.REFRESH_TOKEN);
            }
            case SERVICE_ACCOUNT_TOKEN_RESPONSE -> {
                ServiceAccountTokenResponseContext response = (ServiceAccountTokenResponseContext) context;
                keepOnlyAllowedForServiceAccount(response.getAccessTokenResponseBuilder(), response.getClientSession());
            }
            case TOKEN_EXCHANGE_REQUEST -> refuseStaleExchange((TokenExchangeRequestContext) context);
            default -> {
                // Nothing to enforce on other events.
            }
        }
    }

    private void requireLevel(AuthorizationRequestContext request) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = request.getClient();
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.of(realm);
        Set<String> assigned = new java.util.HashSet<>(client.getClientScopes(false).keySet());
        assigned.addAll(client.getClientScopes(true).keySet());
        int required = 0;
        for (String scope : split(request.getAuthorizationEndpointRequest().getScope())) {
            AdminScopes.AdminScope admin = adminScopes.get(scope);
            // A scope the client does not have never reaches its tokens: no second factor for it.
            if (admin != null && assigned.contains(scope)) {
                required = Math.max(required, levelOf(realm, client, admin));
            }
        }
        if (required == 0) {
            return;
        }
        AuthenticationSessionModel authSession = request.getAuthenticationSession();
        authSession.setClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION, String.valueOf(required));
        authSession.setClientNote(Constants.FORCE_LEVEL_OF_AUTHENTICATION, "true");
        LOG.debugf("Client '%s' of realm '%s' asked for an administrative scope: level %d required", client.getClientId(),
                realm.getName(), required);
    }

    private void keepOnlyFresh(TokenManager.AccessTokenResponseBuilder builder, AuthenticatedClientSessionModel clientSession,
            EventType eventType) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        AccessToken token = builder.getAccessToken();
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.of(realm);
        Set<String> stale = new LinkedHashSet<>();
        UserSessionModel userSession = clientSession.getUserSession();
        Map<Integer, Long> levels = userSession == null ? Map.of() : LevelTimes.parse(userSession.getNote(Constants.LOA_MAP));
        long now = Time.currentTime();
        for (String scope : split(token.getScope())) {
            AdminScopes.AdminScope admin = adminScopes.get(scope);
            if (admin != null && !LevelTimes.satisfied(levels, levelOf(realm, clientSession.getClient(), admin), admin.maxAgeSeconds(), now)) {
                stale.add(scope);
            }
        }
        drop(builder, stale, eventType, clientSession, "the login session has not reached the scope's level within its max age");
    }

    private void keepOnlyAllowedForServiceAccount(TokenManager.AccessTokenResponseBuilder builder,
            AuthenticatedClientSessionModel clientSession) {
        ClientModel client = clientSession.getClient();
        if ("true".equalsIgnoreCase(client.getAttribute(AdminScopes.SERVICE_ACCOUNT_ATTRIBUTE))) {
            TokenScopes.finish(session, builder);
            return;
        }
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.of(session.getContext().getRealm());
        Set<String> admin = new LinkedHashSet<>();
        for (String scope : split(builder.getAccessToken().getScope())) {
            if (adminScopes.containsKey(scope)) {
                admin.add(scope);
            }
        }
        drop(builder, admin, EventType.CLIENT_LOGIN, clientSession,
                "service accounts get administrative scopes only when the client allows it (" + AdminScopes.SERVICE_ACCOUNT_ATTRIBUTE + ")");
    }

    private void refuseStaleExchange(TokenExchangeRequestContext exchange) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.of(realm);
        List<AdminScopes.AdminScope> requested = new ArrayList<>();
        for (String scope : split(exchange.getTokenExchangeContext().getParams().getScope())) {
            if (adminScopes.containsKey(scope)) {
                requested.add(adminScopes.get(scope));
            }
        }
        if (requested.isEmpty()) {
            return;
        }
        String subject = exchange.getTokenExchangeContext().getParams().getSubjectToken();
        AccessToken subjectToken = subject == null ? null : session.tokens().decode(subject, AccessToken.class);
        UserSessionModel userSession = subjectToken == null || subjectToken.getSessionId() == null ? null
                : session.sessions().getUserSession(realm, subjectToken.getSessionId());
        Map<Integer, Long> levels = userSession == null ? Map.of() : LevelTimes.parse(userSession.getNote(Constants.LOA_MAP));
        long now = Time.currentTime();
        for (AdminScopes.AdminScope admin : requested) {
            if (!LevelTimes.satisfied(levels, levelOf(realm, exchange.getClient(), admin), admin.maxAgeSeconds(), now)) {
                event(EventType.TOKEN_EXCHANGE, exchange.getClient(), userSession, admin.name(),
                        "the subject token's session has not reached the scope's level within its max age");
                throw new ClientPolicyException(OAuthErrorException.INVALID_SCOPE,
                        "Scope " + admin.name() + " needs acr " + admin.acr() + " within " + admin.maxAgeSeconds() + " s");
            }
        }
    }

    private void drop(TokenManager.AccessTokenResponseBuilder builder, Set<String> scopes, EventType eventType,
            AuthenticatedClientSessionModel clientSession, String reason) {
        // Narrow the tokens, then (last token-changing executor) build the response once so that
        // its "scope" says what the token holds, also for scopes an earlier executor withheld.
        TokenScopes.withhold(session, builder, scopes);
        TokenScopes.finish(session, builder);
        for (String scope : scopes) {
            event(eventType, clientSession.getClient(), clientSession.getUserSession(), scope, reason);
        }
    }

    private void event(EventType type, ClientModel client, UserSessionModel userSession, String scope, String reason) {
        RealmModel realm = session.getContext().getRealm();
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(type)
                .client(client)
                .detail(Details.SCOPE, scope)
                .detail(Details.REASON, reason);
        if (userSession != null) {
            event.user(userSession.getUser()).session(userSession);
        }
        event.error(ERROR);
        LOG.infof("Administrative scope '%s' withheld from client '%s' in realm '%s': %s", scope, client.getClientId(),
                realm.getName(), reason);
    }

    /** The level an administrative scope's acr maps to; an unmapped acr fails closed. */
    private static int levelOf(RealmModel realm, ClientModel client, AdminScopes.AdminScope admin) {
        Integer level = AcrUtils.getAcrLoaMap(client).get(admin.acr());
        if (level == null) {
            LOG.errorf("acr '%s' of administrative scope '%s' is not in the acr.loa.map of realm '%s': nothing satisfies it",
                    admin.acr(), admin.name(), realm.getName());
            return Integer.MAX_VALUE;
        }
        return level;
    }

    private static List<String> split(String scope) {
        return TokenScopes.split(scope);
    }
}
