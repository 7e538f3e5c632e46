package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.tracing.TracingProvider;

/**
 * ABAC at the token endpoint in milliseconds, with Keycloak's session and models as test doubles:
 * every event through the executor, and the decisions (drop, refuse, no document, broken
 * document); AbacIT proves the wiring on the real server.
 */
class ScopePolicyExecutorTest {

    private static final String DOCUMENT = """
            {
              "apiVersion": "apiguard/v1",
              "protectedScopes": ["orders:read", "orders:write"],
              "policies": [
                {"name": "read-api-users", "scopes": ["orders:read"], "effect": "permit",
                 "condition": "'api-user' in user.realmRoles", "onDeny": "drop"},
                {"name": "write-sales", "scopes": ["orders:write"], "effect": "permit",
                 "condition": "user.attributes.department == ['sales']", "onDeny": "%s"}
              ]
            }
            """;

    private final KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
    private final RealmModel realm = mock(RealmModel.class);
    private final ClientModel client = mock(ClientModel.class);
    private final UserModel user = mock(UserModel.class);
    private final AuthenticatedClientSessionModel clientSession = mock(AuthenticatedClientSessionModel.class);
    private final UserSessionModel userSession = mock(UserSessionModel.class);
    private final TokenManager.AccessTokenResponseBuilder builder = mock(TokenManager.AccessTokenResponseBuilder.class);
    private final AccessToken token = new AccessToken();
    private final ScopePolicyExecutor executor = new ScopePolicyExecutor(session);

    ScopePolicyExecutorTest() {
        when(session.getContext().getRealm()).thenReturn(realm);
        doReturn(mock(TracingProvider.class, RETURNS_DEEP_STUBS)).when(session).getProvider(TracingProvider.class);
        when(realm.getId()).thenReturn(UUID.randomUUID().toString()); // PolicyStore caches by realm id
        when(realm.getName()).thenReturn("demo");
        when(realm.getEventsListenersStream()).thenAnswer(call -> Stream.empty());
        when(client.getClientId()).thenReturn("svc");
        when(clientSession.getClient()).thenReturn(client);
        when(clientSession.getUserSession()).thenReturn(userSession);
        when(userSession.getUser()).thenReturn(user);
        when(user.getId()).thenReturn("u1");
        when(user.getUsername()).thenReturn("bob");
        RoleModel apiUser = mock(RoleModel.class);
        when(apiUser.getName()).thenReturn("api-user");
        when(user.getRoleMappingsStream()).thenAnswer(call -> Stream.of(apiUser));
        // 'api-user' in user.realmRoles asks Keycloak's membership check, as the server's model answers it.
        when(client.getRealm()).thenReturn(realm);
        when(realm.getRole("api-user")).thenReturn(apiUser);
        when(user.hasRole(apiUser)).thenReturn(true);
        when(user.getGroupsStream()).thenAnswer(call -> Stream.empty());
        when(builder.getAccessToken()).thenReturn(token);
        when(builder.build()).thenAnswer(call -> new AccessTokenResponse());
        token.setScope("openid orders:read orders:write");
    }

    @ParameterizedTest
    @EnumSource(
            value = ClientPolicyEvent.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {
                "TOKEN_RESPONSE",
                "TOKEN_REFRESH_RESPONSE",
                "SERVICE_ACCOUNT_TOKEN_RESPONSE",
                "DEVICE_TOKEN_RESPONSE",
                "BACKCHANNEL_TOKEN_RESPONSE",
                "RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE",
                "IMPLICIT_HYBRID_TOKEN_RESPONSE",
                "TOKEN_EXCHANGE_REQUEST"
            })
    void executeOnEventWhenTheEventIssuesNoTokenThenNothingIsReadOrChanged(ClientPolicyEvent event) throws Exception {
        ClientPolicyContext context = mock(ClientPolicyContext.class);
        when(context.getEvent()).thenReturn(event);
        clearInvocations(session);

        executor.executeOnEvent(context);

        verifyNoInteractions(session);
    }

    @Test
    void clientCredentialsWhenTheRealmHasNoDocumentThenNothingIsWithheldOrBuilt() throws Exception {
        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read orders:write");
        verify(builder, never()).build();
    }

    @Test
    void clientCredentialsWhenADroppingPolicyDeniesThenTheScopeLeavesTheTokenAndTheResponse() throws Exception {
        when(realm.getAttribute(PolicyStore.ATTRIBUTE)).thenReturn(DOCUMENT.formatted("drop"));
        AccessTokenResponse response = new AccessTokenResponse();
        response.setScope("openid orders:read orders:write");
        when(builder.build()).thenReturn(response);

        executor.executeOnEvent(serviceAccountResponse());

        assertThat(token.getScope()).isEqualTo("openid orders:read");
        assertThat(response.getScope()).isEqualTo(token.getScope());
    }

    @Test
    void clientCredentialsWhenARefusingPolicyDeniesThenInvalidScopeNamingTheScopeOnly() {
        when(realm.getAttribute(PolicyStore.ATTRIBUTE)).thenReturn(DOCUMENT.formatted("refuse"));

        assertThatThrownBy(() -> executor.executeOnEvent(serviceAccountResponse()))
                .isInstanceOf(ClientPolicyException.class)
                .satisfies(e ->
                        assertThat(((ClientPolicyException) e).getError()).isEqualTo(OAuthErrorException.INVALID_SCOPE))
                .satisfies(e -> assertThat(((ClientPolicyException) e).getErrorDetail())
                        .isEqualTo("Scope orders:write is not permitted"));
        assertThat(token.getScope()).as("nothing issued, nothing changed").isEqualTo("openid orders:read orders:write");
    }

    @Test
    void clientCredentialsWhenTheStoredDocumentIsBrokenThenEveryRequestFailsClosed() {
        when(realm.getAttribute(PolicyStore.ATTRIBUTE))
                .thenReturn("{\"apiVersion\": \"apiguard/v1\", \"policies\": [{}]}");

        assertThatThrownBy(() -> executor.executeOnEvent(serviceAccountResponse()))
                .isInstanceOf(ClientPolicyException.class)
                .satisfies(e -> assertThat(((ClientPolicyException) e).getError())
                        .isEqualTo(OAuthErrorException.INVALID_SCOPE));
    }

    private ServiceAccountTokenResponseContext serviceAccountResponse() {
        ServiceAccountTokenResponseContext context = mock(ServiceAccountTokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSession()).thenReturn(clientSession);
        return context;
    }
}
