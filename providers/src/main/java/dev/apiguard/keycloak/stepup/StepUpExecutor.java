package dev.apiguard.keycloak.stepup;

import dev.apiguard.keycloak.common.ScopeDecision;
import dev.apiguard.keycloak.common.TokenScopes;
import dev.apiguard.keycloak.kc.Acr;
import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.IssuedTokens;
import dev.apiguard.keycloak.kc.PolicyContexts;
import dev.apiguard.keycloak.kc.TokenExchangeRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
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
 *   <li>every user grant's token response ({@link IssuedTokens#EVENTS}: code exchange, refresh,
 *       device grant, CIBA, and the password and implicit grants where a realm allows them): an
 *       administrative scope stays in the access and refresh tokens only if the login session
 *       reached the level within the scope's max age (Keycloak's per-level times); otherwise it is
 *       dropped, so a refresh after the max age loses it and the client must step up again. The
 *       device grant's and CIBA's logins ask for no level, so they carry the scope only on a session
 *       that reached it elsewhere within the max age.</li>
 *   <li>{@code SERVICE_ACCOUNT_TOKEN_RESPONSE}: never, unless the client is allowed
 *       ({@code apiguard.admin.service-account=true}).</li>
 *   <li>{@code TOKEN_EXCHANGE_REQUEST}: an exchange asking for one is refused
 *       ({@code invalid_scope}) unless the subject token's session meets it.</li>
 * </ul>
 * Every drop or refusal is an event ({@code CODE_TO_TOKEN_ERROR}, {@code REFRESH_TOKEN_ERROR},
 * {@code CLIENT_LOGIN_ERROR}, {@code OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR}, {@code
 * AUTHREQID_TO_TOKEN_ERROR}, {@code LOGIN_ERROR} (password, implicit), {@code TOKEN_EXCHANGE_ERROR})
 * with error {@code step_up_required}
 * naming client, user, session and scope. At the token endpoint the executor only decides
 * ({@link ScopeDecision}); {@link IssuedTokens#apply} changes the tokens and the response, so its
 * place relative to ABAC's {@code apiguard-scope-policy} in a profile does not matter. In a token
 * exchange both decide on the scope the client sent, so a refusal here does not depend on whether
 * ABAC already dropped the scope.
 */
final class StepUpExecutor implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): every token response ({@link IssuedTokens#EVENTS}), token-exchange requests
     * and authorization requests.
     */
    static final Set<ClientPolicyEvent> EVENTS;

    static {
        EnumSet<ClientPolicyEvent> events = EnumSet.copyOf(IssuedTokens.EVENTS);
        events.add(ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST);
        events.add(ClientPolicyEvent.AUTHORIZATION_REQUEST);
        EVENTS = Collections.unmodifiableSet(events);
    }

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
        if (!EVENTS.contains(context.getEvent())) {
            return;
        }
        Optional<IssuedTokens> issued = IssuedTokens.of(session, context);
        if (issued.isPresent()) {
            issued.get().apply(decide(issued.get()));
            return;
        }
        Optional<TokenExchangeRequest> exchange = TokenExchangeRequest.of(session, context);
        if (exchange.isPresent()) {
            refuseStaleExchange(exchange.get());
            return;
        }
        Optional<PolicyContexts.AuthorizationRequest> request = PolicyContexts.authorizationRequest(context);
        if (request.isPresent()) {
            requireLevel(request.get());
        }
        // Nothing to enforce on other events.
    }

    private void requireLevel(PolicyContexts.AuthorizationRequest request) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = request.client();
        Map<String, ClientScopeModel> assigned = new HashMap<>(client.getClientScopes(false));
        assigned.putAll(client.getClientScopes(true));
        // A scope the client does not have never reaches its tokens: no second factor for it.
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.among(
                realm,
                TokenScopes.split(request.scope()).stream()
                        .filter(assigned::containsKey)
                        .toList(),
                assigned.values().stream());
        int required = 0;
        for (AdminScopes.AdminScope admin : adminScopes.values()) {
            required = Math.max(required, levelOf(realm, client, admin));
        }
        if (required == 0) {
            return;
        }
        AuthenticationSessionModel authSession = request.authenticationSession();
        authSession.setClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION, String.valueOf(required));
        authSession.setClientNote(Constants.FORCE_LEVEL_OF_AUTHENTICATION, "true");
        LOG.debugf(
                "Client '%s' of realm '%s' asked for an administrative scope: level %d required",
                client.getClientId(), realm.getName(), required);
    }

    /**
     * The administrative scopes to withhold from the token being issued: for a user's grant those
     * whose level the login session has not reached within their max age; for a service account
     * all of them, unless the client allows them. Each withheld scope is an event.
     */
    ScopeDecision decide(IssuedTokens issued) {
        RealmModel realm = session.getContext().getRealm();
        List<String> scopes = TokenScopes.split(issued.scope());
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.among(realm, scopes, issued.clientScopes());
        if (adminScopes.isEmpty()) {
            // Most tokens: no administrative scope, so nothing to withhold and no session note to read.
            return ScopeDecision.keepAll(getProviderId());
        }
        AuthenticatedClientSessionModel clientSession = issued.clientSession();
        ClientModel client = clientSession.getClient();
        boolean serviceAccount = OAuth2Constants.CLIENT_CREDENTIALS.equals(issued.grantType());
        if (serviceAccount && "true".equalsIgnoreCase(client.getAttribute(AdminScopes.SERVICE_ACCOUNT_ATTRIBUTE))) {
            return ScopeDecision.keepAll(getProviderId());
        }
        UserSessionModel userSession = clientSession.getUserSession();
        Map<Integer, Long> levels = serviceAccount || userSession == null
                ? Map.of()
                : LevelTimes.parse(userSession.getNote(Constants.LOA_MAP));
        long now = Time.currentTime();
        Set<String> withheld = new LinkedHashSet<>();
        for (String scope : scopes) {
            AdminScopes.AdminScope admin = adminScopes.get(scope);
            if (admin != null
                    && (serviceAccount
                            || !LevelTimes.satisfied(
                                    levels, levelOf(realm, client, admin), admin.maxAgeSeconds(), now))) {
                withheld.add(scope);
            }
        }
        String reason = serviceAccount
                ? "service accounts get administrative scopes only when the client allows it ("
                        + AdminScopes.SERVICE_ACCOUNT_ATTRIBUTE + ")"
                : "the login session has not reached the scope's level within its max age";
        for (String scope : withheld) {
            event(issued.eventType(), client, userSession, scope, reason);
        }
        return new ScopeDecision(getProviderId(), withheld);
    }

    private void refuseStaleExchange(TokenExchangeRequest exchange) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        Map<String, AdminScopes.AdminScope> adminScopes = AdminScopes.of(realm);
        List<AdminScopes.AdminScope> requested = new ArrayList<>();
        for (String scope : TokenScopes.split(exchange.scope())) {
            if (adminScopes.containsKey(scope)) {
                requested.add(adminScopes.get(scope));
            }
        }
        if (requested.isEmpty()) {
            return;
        }
        UserSessionModel userSession = exchange.subject().userSession();
        Map<Integer, Long> levels =
                userSession == null ? Map.of() : LevelTimes.parse(userSession.getNote(Constants.LOA_MAP));
        long now = Time.currentTime();
        for (AdminScopes.AdminScope admin : requested) {
            if (!LevelTimes.satisfied(levels, levelOf(realm, exchange.client(), admin), admin.maxAgeSeconds(), now)) {
                event(
                        EventType.TOKEN_EXCHANGE,
                        exchange.client(),
                        userSession,
                        admin.name(),
                        "the subject token's session has not reached the scope's level within its max age");
                throw new ClientPolicyException(
                        OAuthErrorException.INVALID_SCOPE,
                        "Scope " + admin.name() + " needs acr " + admin.acr() + " within " + admin.maxAgeSeconds()
                                + " s");
            }
        }
    }

    private void event(EventType type, ClientModel client, UserSessionModel userSession, String scope, String reason) {
        RealmModel realm = session.getContext().getRealm();
        EventBuilder event = new EventBuilder(
                        realm, session, session.getContext().getConnection())
                .event(type)
                .client(client)
                .detail(Details.SCOPE, scope)
                .detail(Details.REASON, reason);
        if (userSession != null) {
            event.user(userSession.getUser()).session(userSession);
        }
        event.error(ERROR);
        LOG.infof(
                "Administrative scope '%s' withheld from client '%s' in realm '%s': %s",
                scope, client.getClientId(), realm.getName(), reason);
    }

    /** The level an administrative scope's acr maps to; an unmapped acr fails closed. */
    private static int levelOf(RealmModel realm, ClientModel client, AdminScopes.AdminScope admin) {
        Integer level = Acr.levels(client).get(admin.acr());
        if (level == null) {
            LOG.errorf(
                    "acr '%s' of administrative scope '%s' is not in the acr.loa.map of realm '%s': nothing satisfies it",
                    admin.acr(), admin.name(), realm.getName());
            return Integer.MAX_VALUE;
        }
        return level;
    }
}
