package dev.apiguard.keycloak.kc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.apiguard.keycloak.common.ScopeDecision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.OAuth2Constants;
import org.keycloak.Token;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.TokenManager;
import org.keycloak.protocol.oidc.grants.ciba.clientpolicy.context.BackchannelTokenResponseContext;
import org.keycloak.protocol.oidc.grants.device.clientpolicy.context.DeviceTokenResponseContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.context.ImplicitHybridTokenResponse;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;

/**
 * The one place that applies scope decisions: whatever deciders run and in whatever order, the
 * access token, the refresh token and the response's {@code scope} end equal, and the response is
 * built once by Keycloak's builder.
 */
class IssuedTokensTest {

    private static final String ISSUED = "openid profile orders:read orders:write orders:admin";

    private final KeycloakSession session = mock(KeycloakSession.class);
    private final TokenManager tokens = mock(TokenManager.class);
    private final org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder builder =
            mock(org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder.class);
    private final AccessToken access = new AccessToken();
    private final RefreshToken refresh = new RefreshToken(new AccessToken(), null, "Refresh");

    IssuedTokensTest() {
        Map<String, Object> attributes = new HashMap<>();
        doAnswer(call -> attributes.put(call.getArgument(0), call.getArgument(1)))
                .when(session)
                .setAttribute(anyString(), any());
        when(session.getAttribute(anyString())).thenAnswer(call -> attributes.get((String) call.getArgument(0)));
        when(session.tokens()).thenReturn(tokens);
        when(tokens.encode(any(Token.class)))
                .thenAnswer(call -> "jwt[" + ((AccessToken) call.getArgument(0)).getScope() + "]");
        access.setScope(ISSUED);
        refresh.setScope(ISSUED);
        when(builder.getAccessToken()).thenReturn(access);
        when(builder.getRefreshToken()).thenReturn(refresh);
        // Keycloak's builder: encodes the tokens and takes "scope" from the client session (the unnarrowed scope),
        // once.
        AccessTokenResponse[] built = new AccessTokenResponse[1];
        when(builder.build()).thenAnswer(call -> {
            if (built[0] == null) {
                built[0] = new AccessTokenResponse();
                built[0].setToken("jwt[" + access.getScope() + "]");
                built[0].setRefreshToken("jwt[" + refresh.getScope() + "]");
                built[0].setScope(ISSUED);
            }
            return built[0];
        });
    }

    private IssuedTokens issued() {
        return new IssuedTokens(session, builder, null, OAuth2Constants.AUTHORIZATION_CODE, EventType.CODE_TO_TOKEN);
    }

    private static final ScopeDecision ABAC = new ScopeDecision("apiguard-scope-policy", Set.of("orders:write"));
    private static final ScopeDecision STEP_UP = new ScopeDecision("apiguard-admin-step-up", Set.of("orders:admin"));

    @ParameterizedTest
    @ValueSource(strings = {"abac,step-up", "step-up,abac"})
    void applyWhenBothDecidersWithholdInEitherOrderThenTokensAndResponseScopeAgree(String order) {
        List<ScopeDecision> decisions = order.startsWith("abac") ? List.of(ABAC, STEP_UP) : List.of(STEP_UP, ABAC);
        for (ScopeDecision decision : decisions) {
            issued().apply(decision);
        }

        AccessTokenResponse response = builder.build();
        assertThat(access.getScope()).isEqualTo("openid profile orders:read");
        assertThat(refresh.getScope()).isEqualTo("openid profile orders:read");
        assertThat(response.getScope()).isEqualTo(access.getScope());
        assertThat(response.getToken()).isEqualTo("jwt[openid profile orders:read]");
        assertThat(response.getRefreshToken()).isEqualTo("jwt[openid profile orders:read]");
    }

    @Test
    void applyWhenOneDeciderWithholdsThenTheResponseIsBuiltOnceAndNotReencoded() {
        issued().apply(ABAC);
        issued().apply(ScopeDecision.keepAll("apiguard-admin-step-up"));

        AccessTokenResponse response = builder.build();
        assertThat(response.getScope())
                .isEqualTo("openid profile orders:read orders:admin")
                .isEqualTo(access.getScope());
        verify(tokens, never()).encode(any(Token.class));
    }

    @Test
    void applyWhenNothingIsWithheldThenNothingIsBuiltOrChanged() {
        issued().apply(ScopeDecision.keepAll("apiguard-scope-policy"));
        issued().apply(ScopeDecision.keepAll("apiguard-admin-step-up"));

        verify(builder, never()).build();
        assertThat(access.getScope()).isEqualTo(ISSUED);
        assertThat(refresh.getScope()).isEqualTo(ISSUED);
    }

    @Test
    void applyWhenASecondDeciderWithholdsMoreAfterTheBuildThenTheTokensAreReencodedOnce() {
        issued().apply(ABAC);
        issued().apply(STEP_UP);
        issued().apply(STEP_UP);

        verify(tokens, times(2)).encode(any(Token.class));
    }

    @Test
    void ofWhenADeviceGrantsResponseThenItsGrantTypeEventTypeAndClientSession() {
        AuthenticatedClientSessionModel clientSession = mock(AuthenticatedClientSessionModel.class);
        DeviceTokenResponseContext context = mock(DeviceTokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.DEVICE_TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSession()).thenReturn(clientSession);

        IssuedTokens issued = IssuedTokens.of(session, context).orElseThrow();

        assertThat(issued.grantType()).isEqualTo("urn:ietf:params:oauth:grant-type:device_code");
        assertThat(issued.eventType()).isEqualTo(EventType.OAUTH2_DEVICE_CODE_TO_TOKEN);
        assertThat(issued.clientSession()).isSameAs(clientSession);
        assertThat(issued.accessToken()).isSameAs(access);
    }

    @Test
    void ofWhenACibaResponseThenItsGrantTypeEventTypeAndTheClientSessionOfItsContext() {
        AuthenticatedClientSessionModel clientSession = mock(AuthenticatedClientSessionModel.class);
        ClientSessionContext sessionContext = mock(ClientSessionContext.class);
        when(sessionContext.getClientSession()).thenReturn(clientSession);
        BackchannelTokenResponseContext context = mock(BackchannelTokenResponseContext.class);
        when(context.getEvent()).thenReturn(ClientPolicyEvent.BACKCHANNEL_TOKEN_RESPONSE);
        when(context.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(context.getClientSessionContext()).thenReturn(sessionContext);

        IssuedTokens issued = IssuedTokens.of(session, context).orElseThrow();

        assertThat(issued.grantType()).isEqualTo("urn:openid:params:grant-type:ciba");
        assertThat(issued.eventType()).isEqualTo(EventType.AUTHREQID_TO_TOKEN);
        assertThat(issued.clientSession()).isSameAs(clientSession);
    }

    @Test
    void ofWhenAPasswordGrantsOrAnImplicitResponseThenItsGrantTypeAndTheLoginEvent() {
        AuthenticatedClientSessionModel clientSession = mock(AuthenticatedClientSessionModel.class);
        ClientSessionContext sessionContext = mock(ClientSessionContext.class);
        when(sessionContext.getClientSession()).thenReturn(clientSession);
        ResourceOwnerPasswordCredentialsResponseContext password =
                mock(ResourceOwnerPasswordCredentialsResponseContext.class);
        when(password.getEvent()).thenReturn(ClientPolicyEvent.RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE);
        when(password.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(password.getClientSessionContext()).thenReturn(sessionContext);
        ImplicitHybridTokenResponse implicit = mock(ImplicitHybridTokenResponse.class);
        when(implicit.getEvent()).thenReturn(ClientPolicyEvent.IMPLICIT_HYBRID_TOKEN_RESPONSE);
        when(implicit.getAccessTokenResponseBuilder()).thenReturn(builder);
        when(implicit.getClientSessionContext()).thenReturn(sessionContext);

        IssuedTokens byPassword = IssuedTokens.of(session, password).orElseThrow();
        IssuedTokens byImplicit = IssuedTokens.of(session, implicit).orElseThrow();

        assertThat(byPassword.grantType()).isEqualTo("password");
        assertThat(byImplicit.grantType()).isEqualTo("implicit");
        assertThat(List.of(byPassword.eventType(), byImplicit.eventType())).containsOnly(EventType.LOGIN);
        assertThat(List.of(byPassword.clientSession(), byImplicit.clientSession()))
                .containsOnly(clientSession);
    }

    /**
     * Every event of Keycloak's that carries a token response is one the deciders see (a response
     * event added by a later Keycloak fails here until it is mapped or ruled out); the revocation's
     * response issues no token.
     */
    @ParameterizedTest
    @EnumSource(ClientPolicyEvent.class)
    void ofWhenTheEventCarriesATokenResponseThenTheDecidersSeeItElseEmpty(ClientPolicyEvent event) {
        ClientPolicyContext context = mock(ClientPolicyContext.class);
        when(context.getEvent()).thenReturn(event);
        boolean issuesTokens = event.name().endsWith("_RESPONSE") && event != ClientPolicyEvent.TOKEN_REVOKE_RESPONSE;

        assertThat(IssuedTokens.EVENTS.contains(event)).isEqualTo(issuesTokens);
        if (!issuesTokens) {
            assertThat(IssuedTokens.of(session, context)).isEmpty();
        }
    }

    @Test
    void scopeWhenAnEarlierDeciderWithheldThenTheLaterSeesTheScopeAsIssued() {
        issued().apply(ABAC);

        assertThat(issued().scope()).isEqualTo(ISSUED);
    }
}
