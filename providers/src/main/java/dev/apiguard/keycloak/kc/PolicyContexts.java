package dev.apiguard.keycloak.kc;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.par.clientpolicy.context.PushedAuthorizationRequestContext;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.ClientCRUDContext;
import org.keycloak.services.clientpolicy.context.ClientModelContext;
import org.keycloak.services.clientpolicy.context.PreAuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshContext;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The client-policy event contexts API Guard reads, unwrapped into public types. The context
 * classes live in keycloak-services (internal); executors and conditions see only these records,
 * {@link IssuedTokens} and {@link TokenExchangeRequest}. Each accessor is empty for a context of
 * another type.
 */
public final class PolicyContexts {

    private PolicyContexts() {}

    /** A client registered or updated (events {@code REGISTER}, {@code UPDATE}). */
    public record ClientChange(ClientRepresentation proposed, ClientModel target) {}

    /** An authorization request (event {@code AUTHORIZATION_REQUEST}), after the client was identified. */
    public record AuthorizationRequest(
            ClientModel client,
            String scope,
            String codeChallenge,
            String redirectUri,
            AuthenticationSessionModel authenticationSession) {}

    /** An authorization request before the client is looked up (event {@code PRE_AUTHORIZATION_REQUEST}). */
    public record PreAuthorization(String clientId, MultivaluedMap<String, String> parameters) {}

    /** A refresh-token request before the token is verified (event {@code TOKEN_REFRESH}). */
    public record RefreshRequest(ClientModel client, MultivaluedMap<String, String> parameters) {}

    public static Optional<ClientChange> clientChange(ClientPolicyContext context) {
        return context instanceof ClientCRUDContext crud
                ? Optional.of(new ClientChange(crud.getProposedClientRepresentation(), crud.getTargetClient()))
                : Optional.empty();
    }

    public static Optional<AuthorizationRequest> authorizationRequest(ClientPolicyContext context) {
        if (!(context instanceof AuthorizationRequestContext request)) {
            return Optional.empty();
        }
        return Optional.of(new AuthorizationRequest(
                request.getClient(),
                request.getAuthorizationEndpointRequest().getScope(),
                request.getAuthorizationEndpointRequest().getCodeChallenge(),
                request.getRedirectUri(),
                request.getAuthenticationSession()));
    }

    public static Optional<PreAuthorization> preAuthorization(ClientPolicyContext context) {
        return context instanceof PreAuthorizationRequestContext pre
                ? Optional.of(new PreAuthorization(pre.getClientId(), pre.getRequestParameters()))
                : Optional.empty();
    }

    public static Optional<RefreshRequest> refreshRequest(ClientPolicyContext context) {
        return context instanceof TokenRefreshContext refresh
                ? Optional.of(new RefreshRequest(refresh.getClient(), refresh.getParams()))
                : Optional.empty();
    }

    /** The parameters of a pushed authorization request (event {@code PUSHED_AUTHORIZATION_REQUEST}, RFC 9126). */
    public static Optional<MultivaluedMap<String, String>> pushedAuthorizationParameters(ClientPolicyContext context) {
        return context instanceof PushedAuthorizationRequestContext pushed
                ? Optional.ofNullable(pushed.getRequestParameters())
                : Optional.empty();
    }

    /** The client of a context that names one (Keycloak's {@code ClientModelContext}); empty otherwise. */
    public static Optional<ClientModel> client(ClientPolicyContext context) {
        return context instanceof ClientModelContext withClient
                ? Optional.ofNullable(withClient.getClient())
                : Optional.empty();
    }
}
