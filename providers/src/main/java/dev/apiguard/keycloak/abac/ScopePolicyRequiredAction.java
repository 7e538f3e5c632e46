package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.common.TokenScopes;
import dev.apiguard.keycloak.kc.Logins;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Enforces the realm's scope policies at the authorization endpoint, once the user is known and
 * before the consent screen and the code: Keycloak asks every enabled required action to
 * {@link #evaluateTriggers evaluate its triggers} after authentication, also on an SSO session.
 * <ul>
 *   <li>a denied scope of the request is removed from the authentication session's {@code scope}
 *       and client scopes: the consent screen does not offer it and the code does not carry it, so
 *       the tokens are built without it (and without its mappers);</li>
 *   <li>a refusing deny makes this action run: it fails the login, and Keycloak redirects to the
 *       client with {@code error=access_denied};</li>
 *   <li>conditions that read the authentication ({@code auth.*}: acr, amr, auth_time), known only
 *       when the token is issued, are deferred to the token endpoint
 *       ({@link ScopePolicyExecutor}).</li>
 * </ul>
 * Each deny is a {@code LOGIN_ERROR} event (see {@link ScopePolicyEvents}).
 */
final class ScopePolicyRequiredAction implements RequiredActionProvider {

    static final String REFUSED_NOTE = "apiguard.abac.refused";

    private final KeycloakSession session;

    ScopePolicyRequiredAction(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        if (authSession == null
                || user == null
                || !Logins.OIDC_PROTOCOL.equals(authSession.getProtocol())
                || authSession.getAuthNote(REFUSED_NOTE) != null) {
            return;
        }
        PolicyStore.State state = PolicyStore.of(context.getRealm());
        if (state.absent()) {
            return;
        }
        ClientModel client = authSession.getClient();
        String scopeParameter = authSession.getClientNote(OAuth2Constants.SCOPE);
        List<String> requested = TokenScopes.split(scopeParameter);
        if (state.broken()) {
            refuse(
                    authSession,
                    client,
                    user,
                    new Decision(
                            String.join(" ", requested),
                            Decision.Outcome.DENY,
                            Policy.OnDeny.REFUSE,
                            null,
                            null,
                            "the realm's policy document (version " + state.version()
                                    + ") is invalid: every request fails closed"));
            return;
        }
        Set<String> scopes = new LinkedHashSet<>(requested);
        scopes.addAll(client.getClientScopes(true).keySet());
        Map<String, Decision> decisions = state.policies()
                .decideAll(
                        scopes,
                        client.getClientId(),
                        ScopePolicyInputs.of(session, user, client, OAuth2Constants.AUTHORIZATION_CODE, scopes, null),
                        true);
        for (Decision decision : decisions.values()) {
            if (decision.refused()) {
                refuse(authSession, client, user, decision);
                return;
            }
        }
        Set<String> dropped = new LinkedHashSet<>();
        for (Decision decision : decisions.values()) {
            // A denied default scope cannot be taken out of the request here: the token endpoint drops it.
            if (decision.denied() && requested.contains(decision.scope())) {
                dropped.add(decision.scope());
                ScopePolicyEvents.denied(session, EventType.LOGIN_ERROR, client, user, null, decision);
            }
        }
        if (!dropped.isEmpty()) {
            authSession.setClientNote(OAuth2Constants.SCOPE, TokenScopes.without(scopeParameter, dropped));
            Logins.refreshClientScopes(session, authSession);
        }
    }

    private void refuse(AuthenticationSessionModel authSession, ClientModel client, UserModel user, Decision decision) {
        ScopePolicyEvents.denied(session, EventType.LOGIN_ERROR, client, user, null, decision);
        authSession.setAuthNote(REFUSED_NOTE, decision.scope());
        authSession.addRequiredAction(ScopePolicyRequiredActionFactory.PROVIDER_ID);
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (context.getAuthenticationSession().getAuthNote(REFUSED_NOTE) != null) {
            // Keycloak answers a failed required action with error=access_denied to the client's redirect URI.
            context.failure();
        } else {
            context.success();
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        requiredActionChallenge(context);
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
