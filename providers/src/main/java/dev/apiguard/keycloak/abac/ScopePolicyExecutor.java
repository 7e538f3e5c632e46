package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.common.ScopeDecision;
import dev.apiguard.keycloak.common.TokenScopes;
import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.IssuedTokens;
import dev.apiguard.keycloak.kc.TokenExchangeRequest;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Enforces the realm's scope policies at the token endpoint:
 * <ul>
 *   <li>every token response ({@link IssuedTokens#EVENTS}: code exchange, refresh, client
 *       credentials, device grant, CIBA, and the password and implicit grants where a realm allows
 *       them):
 *       every scope of the token being issued is decided with the attributes of now (so a changed
 *       attribute counts at the next refresh); a denied scope is withheld from the access and
 *       refresh tokens (and so from every later refresh) or, for a refusing policy, the request
 *       fails with {@code invalid_scope};</li>
 *   <li>{@code TOKEN_EXCHANGE_REQUEST}: the requested scopes are decided for the subject token's
 *       user before Keycloak builds the token; a dropped scope is taken out of the request, a
 *       refused one (or a denied default scope of the client, which cannot be taken out) fails
 *       with {@code invalid_scope}.</li>
 * </ul>
 * A realm without a document is not affected; a stored document that does not compile refuses
 * every request (fail closed). Each deny is an event (see {@link ScopePolicyEvents}). The executor
 * only decides ({@link ScopeDecision}); {@link IssuedTokens#apply} changes the tokens and the
 * response, so its place relative to {@code apiguard-admin-step-up} in a profile does not matter.
 */
final class ScopePolicyExecutor
        implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): every token response ({@link IssuedTokens#EVENTS}) and token-exchange
     * requests.
     */
    static final Set<ClientPolicyEvent> EVENTS;

    static {
        EnumSet<ClientPolicyEvent> events = EnumSet.copyOf(IssuedTokens.EVENTS);
        events.add(ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST);
        EVENTS = Collections.unmodifiableSet(events);
    }

    private final KeycloakSession session;

    ScopePolicyExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return ScopePolicyExecutorFactory.PROVIDER_ID;
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
            exchange.get().withhold(decide(exchange.get()).withheld());
        }
        // Other events: nothing. The authorization endpoint is covered by the required action (the user is known only
        // after login).
    }

    /**
     * Decides every scope of the token being issued with the attributes of now; the scopes to drop
     * are the decision, a refusing policy throws. No document: withholds nothing.
     */
    ScopeDecision decide(IssuedTokens issued) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        PolicyStore.State state = PolicyStore.of(realm);
        if (state.absent()) {
            return ScopeDecision.keepAll(getProviderId());
        }
        AccessToken token = issued.accessToken();
        List<String> scopes = TokenScopes.split(issued.scope());
        AuthenticatedClientSessionModel clientSession = issued.clientSession();
        UserSessionModel userSession = clientSession.getUserSession();
        UserModel user = userSession == null ? null : userSession.getUser();
        ClientModel client = clientSession.getClient();
        EventType eventType = issued.eventType();
        refuseIfBroken(state, client, user, userSession, eventType, scopes);
        Map<String, Decision> decisions = state.policies()
                .decideAll(
                        scopes,
                        client.getClientId(),
                        ScopePolicyInputs.of(session, user, client, issued.grantType(), scopes, token),
                        false);
        refuseIfAnyRefused(decisions, client, user, userSession, eventType);
        Set<String> dropped = new LinkedHashSet<>();
        for (Decision decision : decisions.values()) {
            if (decision.denied()) {
                dropped.add(decision.scope());
                ScopePolicyEvents.denied(session, eventType, client, user, userSession, decision);
            }
        }
        return new ScopeDecision(getProviderId(), dropped);
    }

    /**
     * Decides the requested scopes (and the client's default scopes, which Keycloak always adds)
     * for the subject token's user before Keycloak builds the token; the decision is what to take
     * out of the request. A denied default scope cannot be taken out: it refuses.
     */
    ScopeDecision decide(TokenExchangeRequest exchange) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        PolicyStore.State state = PolicyStore.of(realm);
        if (state.absent()) {
            return ScopeDecision.keepAll(getProviderId());
        }
        ClientModel client = exchange.client();
        List<String> requested = TokenScopes.split(exchange.scope());
        Set<String> scopes = new LinkedHashSet<>(requested);
        scopes.addAll(client.getClientScopes(true).keySet());
        TokenExchangeRequest.Subject subject = exchange.subject();
        UserSessionModel userSession = subject.userSession();
        UserModel user = subject.user();
        refuseIfBroken(state, client, user, userSession, EventType.TOKEN_EXCHANGE, List.copyOf(scopes));
        Map<String, Decision> decisions = state.policies()
                .decideAll(
                        scopes,
                        client.getClientId(),
                        ScopePolicyInputs.of(
                                session,
                                user,
                                client,
                                OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE,
                                scopes,
                                subject.token()),
                        false);
        refuseIfAnyRefused(decisions, client, user, userSession, EventType.TOKEN_EXCHANGE);
        Set<String> dropped = new LinkedHashSet<>();
        for (Decision decision : decisions.values()) {
            if (!decision.denied()) {
                continue;
            }
            if (!requested.contains(decision.scope())) {
                // A default scope of the client is always added by Keycloak: it cannot be dropped here.
                Decision refusal = new Decision(
                        decision.scope(),
                        Decision.Outcome.DENY,
                        Policy.OnDeny.REFUSE,
                        decision.policy(),
                        decision.condition(),
                        decision.reason() + "; a default scope of the client cannot be dropped from an exchange");
                ScopePolicyEvents.denied(session, EventType.TOKEN_EXCHANGE, client, user, userSession, refusal);
                throw notPermitted(decision.scope());
            }
            dropped.add(decision.scope());
            ScopePolicyEvents.denied(session, EventType.TOKEN_EXCHANGE, client, user, userSession, decision);
        }
        return new ScopeDecision(getProviderId(), dropped);
    }

    private void refuseIfBroken(
            PolicyStore.State state,
            ClientModel client,
            UserModel user,
            UserSessionModel userSession,
            EventType eventType,
            List<String> scopes)
            throws ClientPolicyException {
        if (!state.broken()) {
            return;
        }
        String scope = scopes.isEmpty() ? "(none)" : String.join(" ", scopes);
        ScopePolicyEvents.denied(
                session,
                eventType,
                client,
                user,
                userSession,
                new Decision(
                        scope,
                        Decision.Outcome.DENY,
                        Policy.OnDeny.REFUSE,
                        null,
                        null,
                        "the realm's policy document (version " + state.version()
                                + ") is invalid: every request fails closed"));
        throw new ClientPolicyException(OAuthErrorException.INVALID_SCOPE, "Scope policies cannot be evaluated");
    }

    private void refuseIfAnyRefused(
            Map<String, Decision> decisions,
            ClientModel client,
            UserModel user,
            UserSessionModel userSession,
            EventType eventType)
            throws ClientPolicyException {
        for (Decision decision : decisions.values()) {
            if (decision.refused()) {
                ScopePolicyEvents.denied(session, eventType, client, user, userSession, decision);
                throw notPermitted(decision.scope());
            }
        }
    }

    /** The client learns which scope, not which policy or condition: those are in the event. */
    private static ClientPolicyException notPermitted(String scope) {
        return new ClientPolicyException(OAuthErrorException.INVALID_SCOPE, "Scope " + scope + " is not permitted");
    }
}
