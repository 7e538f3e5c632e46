package dev.apiguard.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.apiguard.keycloak.abac.ScopePolicyExecutorFactory;
import dev.apiguard.keycloak.clientguard.ClientGuardExecutorFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.pkce.ChallengeReuseExecutorFactory;
import dev.apiguard.keycloak.stepup.StepUpExecutorFactory;
import dev.apiguard.keycloak.tokens.RefreshReuseExecutorFactory;
import dev.apiguard.keycloak.tokens.TokenPolicyExecutorFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/**
 * Every API Guard executor over every {@link ClientPolicyEvent} it does not enforce (as sventorben's
 * AutoConfigClientPolicyExecutorTest runs every event through an executor): it neither throws nor
 * reads or changes anything. The events each executor enforces are tested in its own unit test and
 * its IT.
 */
class ExecutorEventsTest {

    /** Provider factory and the events its executor enforces. */
    private static final Map<ClientPolicyExecutorProviderFactory, Set<ClientPolicyEvent>> ENFORCED = Map.of(
            new ClientGuardExecutorFactory(),
                    Set.of(
                            ClientPolicyEvent.REGISTER,
                            ClientPolicyEvent.UPDATE,
                            ClientPolicyEvent.PRE_AUTHORIZATION_REQUEST,
                            ClientPolicyEvent.PUSHED_AUTHORIZATION_REQUEST),
            new TokenPolicyExecutorFactory(), Set.of(ClientPolicyEvent.REGISTER, ClientPolicyEvent.UPDATE),
            new ChallengeReuseExecutorFactory(), Set.of(ClientPolicyEvent.AUTHORIZATION_REQUEST),
            new RefreshReuseExecutorFactory(), Set.of(ClientPolicyEvent.TOKEN_REFRESH),
            new ScopePolicyExecutorFactory(),
                    Set.of(
                            ClientPolicyEvent.TOKEN_RESPONSE,
                            ClientPolicyEvent.TOKEN_REFRESH_RESPONSE,
                            ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_RESPONSE,
                            ClientPolicyEvent.DEVICE_TOKEN_RESPONSE,
                            ClientPolicyEvent.BACKCHANNEL_TOKEN_RESPONSE,
                            ClientPolicyEvent.RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE,
                            ClientPolicyEvent.IMPLICIT_HYBRID_TOKEN_RESPONSE,
                            ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST),
            new StepUpExecutorFactory(),
                    Set.of(
                            ClientPolicyEvent.AUTHORIZATION_REQUEST,
                            ClientPolicyEvent.TOKEN_RESPONSE,
                            ClientPolicyEvent.TOKEN_REFRESH_RESPONSE,
                            ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_RESPONSE,
                            ClientPolicyEvent.DEVICE_TOKEN_RESPONSE,
                            ClientPolicyEvent.BACKCHANNEL_TOKEN_RESPONSE,
                            ClientPolicyEvent.RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE,
                            ClientPolicyEvent.IMPLICIT_HYBRID_TOKEN_RESPONSE,
                            ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST));

    static Stream<Arguments> notEnforced() {
        return ENFORCED.entrySet().stream()
                .flatMap(entry -> Arrays.stream(ClientPolicyEvent.values())
                        .filter(event -> !entry.getValue().contains(event))
                        .map(event -> Arguments.of(entry.getKey().getId(), event, entry.getKey())));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("notEnforced")
    void executeOnEventWhenTheExecutorDoesNotEnforceTheEventThenNothingHappens(
            String id, ClientPolicyEvent event, ClientPolicyExecutorProviderFactory factory) {
        KeycloakSession session = mock(KeycloakSession.class, RETURNS_DEEP_STUBS);
        ClientPolicyContext context = mock(ClientPolicyContext.class);
        when(context.getEvent()).thenReturn(event);

        assertThatCode(() -> factory.create(session).executeOnEvent(context)).doesNotThrowAnyException();

        verifyNoInteractions(session);
    }

    static Stream<Arguments> factories() {
        return ENFORCED.keySet().stream().map(factory -> Arguments.of(factory.getId(), factory));
    }

    /**
     * What each factory declares to API Guard's client-policy manager, which creates and calls an
     * executor only on the events it declares: exactly the events the executor enforces.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("factories")
    void handledEventsWhenDeclaredThenExactlyTheEnforcedEvents(String id, ClientPolicyExecutorProviderFactory factory) {
        assertThat(factory).isInstanceOf(HandledEvents.class);

        assertThat(((HandledEvents) factory).handledEvents())
                .containsExactlyInAnyOrderElementsOf(ENFORCED.get(factory));
    }
}
