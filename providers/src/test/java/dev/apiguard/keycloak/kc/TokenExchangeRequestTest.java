package dev.apiguard.keycloak.kc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.TokenManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.UserSessionProvider;
import org.keycloak.representations.AccessToken;

/** The subject of a token exchange, resolved in one place for every decider. */
class TokenExchangeRequestTest {

    private final KeycloakSession session = mock(KeycloakSession.class);
    private final TokenManager tokens = mock(TokenManager.class);
    private final UserSessionProvider sessions = mock(UserSessionProvider.class);
    private final RealmModel realm = mock(RealmModel.class);

    TokenExchangeRequestTest() {
        when(session.tokens()).thenReturn(tokens);
        when(session.sessions()).thenReturn(sessions);
    }

    @Test
    void resolveWhenThereIsNoSubjectTokenThenNothingIsKnown() {
        assertThat(TokenExchangeRequest.resolve(session, realm, null))
                .isEqualTo(new TokenExchangeRequest.Subject(null, null, null));
    }

    @Test
    void resolveWhenTheSubjectTokenDoesNotVerifyThenNothingIsKnown() {
        when(tokens.decode(eq("forged"), eq(AccessToken.class))).thenReturn(null);

        assertThat(TokenExchangeRequest.resolve(session, realm, "forged"))
                .isEqualTo(new TokenExchangeRequest.Subject(null, null, null));
    }

    @Test
    void resolveWhenTheTokenHasNoSessionThenOnlyTheToken() {
        AccessToken token = new AccessToken();
        when(tokens.decode(eq("transient"), eq(AccessToken.class))).thenReturn(token);

        TokenExchangeRequest.Subject subject = TokenExchangeRequest.resolve(session, realm, "transient");

        assertThat(subject.token()).isSameAs(token);
        assertThat(subject.userSession()).isNull();
        assertThat(subject.user()).isNull();
    }

    @Test
    void resolveWhenTheTokensSessionIsLiveThenItsSessionAndUser() {
        AccessToken token = new AccessToken();
        token.setSessionId("s1");
        UserSessionModel userSession = mock(UserSessionModel.class);
        UserModel user = mock(UserModel.class);
        when(userSession.getUser()).thenReturn(user);
        when(tokens.decode(eq("live"), eq(AccessToken.class))).thenReturn(token);
        when(sessions.getUserSession(realm, "s1")).thenReturn(userSession);

        TokenExchangeRequest.Subject subject = TokenExchangeRequest.resolve(session, realm, "live");

        assertThat(subject.userSession()).isSameAs(userSession);
        assertThat(subject.user()).isSameAs(user);
    }

    @Test
    void resolveWhenTheTokensSessionEndedThenNoSessionAndNoUser() {
        AccessToken token = new AccessToken();
        token.setSessionId("ended");
        when(tokens.decode(eq("old"), eq(AccessToken.class))).thenReturn(token);
        when(sessions.getUserSession(any(), eq("ended"))).thenReturn(null);

        TokenExchangeRequest.Subject subject = TokenExchangeRequest.resolve(session, realm, "old");

        assertThat(subject.userSession()).isNull();
        assertThat(subject.user()).isNull();
    }
}
