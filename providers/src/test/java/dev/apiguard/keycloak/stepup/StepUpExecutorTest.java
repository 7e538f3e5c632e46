package dev.apiguard.keycloak.stepup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import jakarta.ws.rs.core.MultivaluedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.ciba.clientpolicy.context.BackchannelTokenResponseContext;
import org.keycloak.protocol.oidc.grants.device.clientpolicy.context.DeviceTokenResponseContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.ImplicitHybridTokenResponse;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenExchangeRequestContext;
import org.keycloak.services.clientpolicy.context.TokenResponseContext;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.tracing.TracingProvider;

/**
 * The step-up rules in milliseconds, with Keycloak's session and models as test doubles: every
 * event is run through the executor (as sventorben's AutoConfigClientPolicyExecutorTest does);
 * the real-server StepUpIT proves the wiring.
 */
class StepUpExecutorTest {

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final ClientModel client = mock(ClientModel.class);
    private final AuthenticatedClientSessionModel clientSession = mock(AuthenticatedClientSessionModel.class);
    private final UserSessionModel userSession = mock(UserSessionModel.class);
    private final TokenManager.AccessTokenResponseBuilder builder = mock(TokenManager.AccessTokenResponseBuilder.class);
    private final ClientSessionContext clientSessionContext = mock(ClientSessionContext.class);
    private final AccessToken token = new AccessToken();
    private final StepUpExecutor executor = new StepUpExecutor(session);

    StepUpExecutorTest() {
        when(session.getContext().getRealm()).thenReturn(realm);
        // Events are sent through Keycloak's EventBuilder, which traces them: a span that records nothing.
        doReturn(mock(TracingProvider.class, RETURNS_DEEP_STUBS)).when(session).getProvider(TracingProvider.class);
        when(realm.getName()).thenReturn("demo");
        ClientScopeModel admin = mock(ClientScopeModel.class);
        when(admin.getName()).thenReturn("orders:admin");
        when(admin.getAttribute(AdminScopes.ADMIN_ATTRIBUTE)).thenReturn("true");
        when(admin.getAttribute(AdminScopes.MAX_AGE_ATTRIBUTE)).thenReturn("300");
        ClientScopeModel read = mock(ClientScopeModel.class);
        when(read.getName()).thenReturn("orders:read");
        when(realm.getClientScopesStream()).thenAnswer(call -> Stream.of(read, admin));
        when(clientSessionContext.getClientScopesStream()).thenAnswer(call -> Stream.of(read, admin));
        when(builder.getClientSessionCtx()).thenReturn(clientSessionContext);
        when(realm.getEventsListenersStream()).thenAnswer(call -> Stream.empty());
        when(client.getClientId()).thenReturn("svc");
        when(client.getAttribute(Constants.ACR_LOA_MAP)).thenReturn("{\"password\": 1, \"mfa\": 2}");
        when(clientSession.getClient()).thenReturn(client);
        when(clientSession.getUserSession()).thenReturn(userSession);
        when(builder.getAccessToken()).thenReturn(token);
        when(builder.build()).thenAnswer(call -> new AccessTokenResponse());
        token.setScope("openid orders:read orders:admin");
    }

    @ParameterizedTest
    @EnumSource(
            value = ClientPolicyEvent.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {
                "AUTHORIZATION_REQUEST",
                "TOKEN_RESPONSE",
                "TOKEN_REFRESH_RESPONSE",
                "SERVICE_ACCOUNT_TOKEN_RESPONSE",
                "DEVICE_TOKEN_RESPONSE",
                "BACKCHANNEL_TOKEN_RESPONSE",
                "RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE",
                "IMPLICIT_HYBRID_TOKEN_RESPONSE",
                "TOKEN_EXCHANGE_REQUEST"
            })
    void executeOnEventWhenTheEventIsNotAGrantPathThenNothingIsReadOrChanged(ClientPolicyEvent event) throws Exception {
        ClientPolicyContext context = mock(ClientPolicyContext.class);
        when(context.getEvent()).thenReturn(event);
        clearInvocations(session);

        executor.executeOnEvent(context);

        verifyNoInteractions(session);
    }

    @Test
    void clientCredentialsWhenTheClientIsNotAllowedThenTheAdminScopeIsWithheld() throws Exception {
        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read");
    }

    @Test
    void clientCredentialsWhenEveryScopeOfTheTokenIsKnownFromItsContextThenTheRealmsScopesAreNotRead()
            throws Exception {
        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read");
        verify(realm, never()).getClientScopesStream();
    }

    @Test
    void clientCredentialsWhenAnAdminScopeReachedTheTokenOutsideItsContextThenItIsStillWithheld() throws Exception {
        // Only orders:read in the context: orders:admin in the scope string came from elsewhere
        // (a mapper); the realm's client scopes are read for it and it is withheld all the same.
        ClientScopeModel read = mock(ClientScopeModel.class);
        when(read.getName()).thenReturn("orders:read");
        when(clientSessionContext.getClientScopesStream()).thenAnswer(call -> Stream.of(read));

        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read");
        verify(realm).getClientScopesStream();
    }

    @Test
    void clientCredentialsWhenTheClientIsAllowedThenNothingIsWithheld() throws Exception {
        when(client.getAttribute(AdminScopes.SERVICE_ACCOUNT_ATTRIBUTE)).thenReturn("true");

        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read orders:admin");
    }

    @ParameterizedTest(name = "level {0} reached {1} s ago: kept {2}")
    @CsvSource({
        "2, 10, true",
        "2, 300, true",
        "2, 301, false",
        "1, 10, false",
    })
    void codeExchangeWhenTheSessionReachedALevelThenTheAdminScopeIsKeptOnlyIfFreshAndHighEnough(
            int level, int secondsAgo, boolean kept) throws Exception {
        when(userSession.getNote(Constants.LOA_MAP))
                .thenReturn("{\"" + level + "\": " + (Time.currentTime() - secondsAgo) + "}");
        TokenResponseContext context = mock(TokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSession()).thenReturn(clientSession);

        executor.executeOnEvent(context);

        assertThat(Set.of(token.getScope().split(" ")).contains("orders:admin")).isEqualTo(kept);
    }

    @ParameterizedTest(name = "{0}, level {1}: kept {2}")
    @CsvSource({
        "DEVICE_TOKEN_RESPONSE, 1, false",
        "DEVICE_TOKEN_RESPONSE, 2, true",
        "BACKCHANNEL_TOKEN_RESPONSE, 1, false",
        "BACKCHANNEL_TOKEN_RESPONSE, 2, true",
        "RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE, 1, false",
        "IMPLICIT_HYBRID_TOKEN_RESPONSE, 1, false",
        "IMPLICIT_HYBRID_TOKEN_RESPONSE, 2, true",
    })
    void otherUserGrantsWhenTheSessionReachedALevelThenTheAdminScopeIsKeptOnlyIfHighEnough(
            ClientPolicyEvent event, int level, boolean kept) throws Exception {
        when(userSession.getNote(Constants.LOA_MAP)).thenReturn("{\"" + level + "\": " + Time.currentTime() + "}");
        when(clientSessionContext.getClientSession()).thenReturn(clientSession);

        executor.executeOnEvent(tokenResponse(event));

        assertThat(Set.of(token.getScope().split(" ")).contains("orders:admin")).isEqualTo(kept);
        assertThat(token.getScope()).contains("orders:read");
    }

    @Test
    void codeExchangeWhenTheAcrIsNotInTheLevelMapThenNothingSatisfiesItAndTheScopeIsWithheld() throws Exception {
        when(client.getAttribute(Constants.ACR_LOA_MAP)).thenReturn("{\"password\": 1}");
        when(userSession.getNote(Constants.LOA_MAP)).thenReturn("{\"2\": " + Time.currentTime() + "}");
        TokenResponseContext context = mock(TokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSession()).thenReturn(clientSession);

        executor.executeOnEvent(context);

        assertThat(token.getScope()).isEqualTo("openid orders:read");
    }

    @ParameterizedTest(name = "scope \"{0}\", orders:admin assigned {1}: level {2}")
    @CsvSource({
        "openid orders:admin, true, 2",
        "openid orders:read orders:admin, true, 2",
        "openid orders:read, true, 0",
        "openid orders:admin, false, 0",
    })
    void authorizationRequestWhenAnAssignedAdminScopeIsAskedThenItsLevelIsForced(
            String scope, boolean assigned, int level) throws Exception {
        ClientScopeModel read = clientScope("orders:read", false);
        ClientScopeModel admin = clientScope("orders:admin", true);
        when(client.getClientScopes(true)).thenReturn(Map.of("orders:read", read));
        when(client.getClientScopes(false)).thenReturn(assigned ? Map.of("orders:admin", admin) : Map.of());
        AuthenticationSessionModel authSession = mock(AuthenticationSessionModel.class);
        AuthorizationRequestContext context = mock(AuthorizationRequestContext.class, RETURNS_DEEP_STUBS);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.AUTHORIZATION_REQUEST);
        when(context.getClient()).thenReturn(client);
        when(context.getAuthorizationEndpointRequest().getScope()).thenReturn(scope);
        when(context.getAuthenticationSession()).thenReturn(authSession);

        executor.executeOnEvent(context);

        if (level == 0) {
            verifyNoInteractions(authSession);
        } else {
            verify(authSession).setClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION, String.valueOf(level));
            verify(authSession).setClientNote(Constants.FORCE_LEVEL_OF_AUTHENTICATION, "true");
        }
        verify(realm, never()).getClientScopesStream();
    }

    @Test
    void tokenExchangeWhenTheSubjectSessionHasNoSecondFactorThenInvalidScope() {
        TokenExchangeRequestContext context = exchange("orders:admin");
        AccessToken subject = new AccessToken();
        subject.setSessionId("s1");
        when(session.tokens().decode(any(), any())).thenReturn(subject);
        when(session.sessions().getUserSession(realm, "s1")).thenReturn(userSession);
        when(userSession.getNote(Constants.LOA_MAP)).thenReturn("{\"1\": " + Time.currentTime() + "}");

        assertThatThrownBy(() -> executor.executeOnEvent(context))
                .isInstanceOf(ClientPolicyException.class)
                .satisfies(e ->
                        assertThat(((ClientPolicyException) e).getError()).isEqualTo(OAuthErrorException.INVALID_SCOPE))
                .satisfies(e ->
                        assertThat(((ClientPolicyException) e).getErrorDetail()).contains("orders:admin"));
    }

    @Test
    void tokenExchangeWhenNoAdministrativeScopeIsAskedThenTheSubjectTokenIsNotEvenRead() throws Exception {
        TokenExchangeRequestContext context = exchange("orders:read");
        org.keycloak.models.TokenManager tokens = session.tokens();
        clearInvocations(tokens);

        executor.executeOnEvent(context);

        verifyNoInteractions(tokens);
    }

    private static ClientScopeModel clientScope(String name, boolean administrative) {
        ClientScopeModel scope = mock(ClientScopeModel.class);
        when(scope.getName()).thenReturn(name);
        when(scope.getAttribute(AdminScopes.ADMIN_ATTRIBUTE)).thenReturn(administrative ? "true" : null);
        return scope;
    }

    /** The token response of a user grant other than code and refresh, as Keycloak raises it. */
    private ClientPolicyContext tokenResponse(ClientPolicyEvent event) {
        return switch (event) {
            case DEVICE_TOKEN_RESPONSE -> {
                DeviceTokenResponseContext context = mock(DeviceTokenResponseContext.class);
                when(context.getEvent()).thenReturn(event);
                when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
                when(context.getClientSession()).thenReturn(clientSession);
                yield context;
            }
            case BACKCHANNEL_TOKEN_RESPONSE -> {
                BackchannelTokenResponseContext context = mock(BackchannelTokenResponseContext.class);
                when(context.getEvent()).thenReturn(event);
                when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
                when(context.getClientSessionContext()).thenReturn(clientSessionContext);
                yield context;
            }
            case RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE -> {
                ResourceOwnerPasswordCredentialsResponseContext context =
                        mock(ResourceOwnerPasswordCredentialsResponseContext.class);
                when(context.getEvent()).thenReturn(event);
                when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
                when(context.getClientSessionContext()).thenReturn(clientSessionContext);
                yield context;
            }
            case IMPLICIT_HYBRID_TOKEN_RESPONSE -> {
                ImplicitHybridTokenResponse context = mock(ImplicitHybridTokenResponse.class);
                when(context.getEvent()).thenReturn(event);
                when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
                when(context.getClientSessionContext()).thenReturn(clientSessionContext);
                yield context;
            }
            default -> throw new IllegalArgumentException(event.name());
        };
    }

    private ServiceAccountTokenResponseContext serviceAccountResponse() {
        ServiceAccountTokenResponseContext context = mock(ServiceAccountTokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSession()).thenReturn(clientSession);
        return context;
    }

    private TokenExchangeRequestContext exchange(String scope) {
        TokenExchangeRequestContext context = mock(TokenExchangeRequestContext.class);
        TokenExchangeContext exchange = mock(TokenExchangeContext.class, RETURNS_DEEP_STUBS);
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("scope", scope);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST);
        when(context.getClient()).thenReturn(client);
        when(context.getTokenExchangeContext()).thenReturn(exchange);
        when(exchange.getFormParams()).thenReturn(form);
        when(exchange.getParams().getSubjectToken()).thenReturn("subject-token");
        return context;
    }
}
