package dev.apiguard.keycloak.kc;

import dev.apiguard.keycloak.common.TokenScopes;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;
import java.util.Set;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;

/**
 * A token-exchange request (event {@code TOKEN_EXCHANGE_REQUEST}) before Keycloak builds the token:
 * the requesting client, the requested scope, and the subject token's user session, resolved once
 * here for every decider (ABAC, step-up).
 */
public final class TokenExchangeRequest {

    private static final String REQUESTED = TokenExchangeRequest.class.getName() + ".requested";

    private final KeycloakSession session;
    private final TokenExchangeRequestContext exchange;
    private Subject subject;

    private TokenExchangeRequest(KeycloakSession session, TokenExchangeRequestContext exchange) {
        this.session = session;
        this.exchange = exchange;
    }

    /**
     * The subject of the exchange: its decoded access token and that token's user session and user.
     * Each is null when absent: no or an undecodable subject token, a token without a session id
     * (a transient session), or a session that has ended.
     */
    public record Subject(AccessToken token, UserSessionModel userSession, UserModel user) {}

    public static Optional<TokenExchangeRequest> of(KeycloakSession session, ClientPolicyContext context) {
        return context instanceof TokenExchangeRequestContext exchange
                ? Optional.of(new TokenExchangeRequest(session, exchange))
                : Optional.empty();
    }

    public ClientModel client() {
        return exchange.getClient();
    }

    /**
     * The request's {@code scope} parameter as the client sent it (null when absent), before any
     * decider withheld anything: every decider decides on this, so the outcome does not depend on
     * the order of the executors (a refusal by any of them refuses).
     */
    public String scope() {
        Object requested = session.getAttribute(REQUESTED);
        if (requested == null) {
            String scope = form().getFirst(OAuth2Constants.SCOPE);
            session.setAttribute(REQUESTED, scope == null ? "" : scope);
            return scope;
        }
        return ((String) requested).isEmpty() ? null : (String) requested;
    }

    /** The subject token's session, resolved once per request. */
    public Subject subject() {
        if (subject == null) {
            subject = resolve(
                    session,
                    session.getContext().getRealm(),
                    exchange.getTokenExchangeContext().getParams().getSubjectToken());
        }
        return subject;
    }

    /** Takes {@code dropped} out of the request's {@code scope} before Keycloak builds the token from it. */
    public void withhold(Set<String> dropped) {
        scope();
        if (dropped.isEmpty()) {
            return;
        }
        String narrowed = TokenScopes.without(form().getFirst(OAuth2Constants.SCOPE), dropped);
        if (narrowed.isEmpty()) {
            form().remove(OAuth2Constants.SCOPE);
        } else {
            form().putSingle(OAuth2Constants.SCOPE, narrowed);
        }
    }

    private MultivaluedMap<String, String> form() {
        return exchange.getTokenExchangeContext().getFormParams();
    }

    /** Decodes (and verifies) the subject token and finds its user session; see {@link Subject}. */
    static Subject resolve(KeycloakSession session, RealmModel realm, String subjectToken) {
        AccessToken token = subjectToken == null ? null : session.tokens().decode(subjectToken, AccessToken.class);
        UserSessionModel userSession = token == null || token.getSessionId() == null
                ? null
                : session.sessions().getUserSession(realm, token.getSessionId());
        return new Subject(token, userSession, userSession == null ? null : userSession.getUser());
    }
}
