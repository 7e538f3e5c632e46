package dev.apiguard.keycloak.kc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.Profile;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.securityprofile.SecurityProfileProvider;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;
import org.keycloak.services.clientpolicy.executor.PKCEEnforcerExecutorFactory;

/**
 * The demo realm's policies through {@link CachingClientPolicyManager} with recording providers:
 * which executors a request's events create and call, and how often each is looked up.
 */
class CachingClientPolicyManagerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ClientPolicyRepresentation> GLOBAL_POLICIES = List.of();
    private static final List<ClientProfileRepresentation> GLOBAL_PROFILES = List.of();

    private final List<String> lookups = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Object> plans = new ConcurrentHashMap<>();
    private KeycloakSession session;
    private RealmModel realm;

    @BeforeAll
    static void features() {
        Profile.defaults();
    }

    @AfterAll
    static void noFeatures() {
        Profile.reset();
    }

    @BeforeEach
    void demoRealm() throws Exception {
        JsonNode realmFile = JSON.readTree(Files.readString(Path.of("../realm-config/apiguard-demo.json")));
        realm = mock(RealmModel.class);
        when(realm.getId()).thenReturn("realm-id");
        when(realm.getName()).thenReturn("demo");
        when(realm.getAttribute(Constants.CLIENT_POLICIES))
                .thenReturn(JSON.writeValueAsString(realmFile.get("clientPolicies")));
        when(realm.getAttribute(Constants.CLIENT_PROFILES))
                .thenReturn(JSON.writeValueAsString(realmFile.get("clientProfiles")));
        KeycloakContext context = mock(KeycloakContext.class);
        when(context.getRealm()).thenReturn(realm);
        SecurityProfileProvider securityProfile = mock(SecurityProfileProvider.class);
        when(securityProfile.getDefaultClientPolicies()).thenReturn(GLOBAL_POLICIES);
        when(securityProfile.getDefaultClientProfiles()).thenReturn(GLOBAL_PROFILES);
        Map<String, ClientPolicyExecutorProviderFactory> factories = Stream.concat(
                        ClientPolicyPlanTest.apiGuardExecutors(), Stream.of(new PKCEEnforcerExecutorFactory()))
                .collect(Collectors.toMap(ClientPolicyExecutorProviderFactory::getId, f -> f));
        KeycloakSessionFactory sessionFactory = mock(KeycloakSessionFactory.class);
        when(sessionFactory.getProviderFactory(eq(ClientPolicyExecutorProvider.class), anyString()))
                .thenAnswer(call -> factories.get(call.<String>getArgument(1)));

        session = mock(KeycloakSession.class);
        when(session.getContext()).thenReturn(context);
        when(session.getProvider(SecurityProfileProvider.class)).thenReturn(securityProfile);
        when(session.getKeycloakSessionFactory()).thenReturn(sessionFactory);
        when(session.getComponentProvider(eq(ClientPolicyConditionProvider.class), anyString(), any()))
                .thenAnswer(call -> {
                    String providerId = providerId(call.getArgument(2));
                    lookups.add(providerId);
                    ClientPolicyConditionProvider<?> condition = mock(ClientPolicyConditionProvider.class);
                    when(condition.applyPolicy(any())).thenReturn(ClientPolicyVote.YES);
                    doReturn(ClientPolicyConditionConfigurationRepresentation.class)
                            .when(condition)
                            .getConditionConfigurationClass();
                    return condition;
                });
        when(session.getComponentProvider(eq(ClientPolicyExecutorProvider.class), anyString(), any()))
                .thenAnswer(call -> {
                    String providerId = providerId(call.getArgument(2));
                    lookups.add(providerId);
                    ClientPolicyExecutorProvider<?> executor = mock(ClientPolicyExecutorProvider.class);
                    doReturn(ClientPolicyExecutorConfigurationRepresentation.class)
                            .when(executor)
                            .getExecutorConfigurationClass();
                    doAnswer(event -> calls.add(providerId + " "
                                    + event.<ClientPolicyContext>getArgument(0).getEvent()))
                            .when(executor)
                            .executeOnEvent(any());
                    return executor;
                });
    }

    @SuppressWarnings("unchecked")
    private static String providerId(Object modelGetter) {
        ComponentModel model = ((Function<KeycloakSessionFactory, ComponentModel>) modelGetter).apply(null);
        return model.getProviderId();
    }

    private ClientPolicyManager manager() {
        return new CachingClientPolicyManager(session, mock(ClientPolicyManager.class), plans);
    }

    private static ClientPolicyContext event(ClientPolicyEvent event) {
        ClientPolicyContext context = mock(ClientPolicyContext.class);
        when(context.getEvent()).thenReturn(event);
        return context;
    }

    @Test
    void refreshWhenBothEventsThenOnlyTheExecutorsActingOnEachAreCalledAndEachProviderIsConfiguredOnce()
            throws Exception {
        ClientPolicyManager manager = manager();

        manager.triggerOnEvent(event(ClientPolicyEvent.TOKEN_REFRESH));
        manager.triggerOnEvent(event(ClientPolicyEvent.TOKEN_REFRESH_RESPONSE));

        // Keycloak's executors do not declare their events: called on every event, as Keycloak's manager does.
        List<String> keycloaks =
                List.of("pkce-enforcer", "reject-implicit-grant", "reject-ropc-grant", "secure-redirect-uris-enforcer");
        List<String> expected = new ArrayList<>();
        for (ClientPolicyEvent event :
                List.of(ClientPolicyEvent.TOKEN_REFRESH, ClientPolicyEvent.TOKEN_REFRESH_RESPONSE)) {
            for (String executor : profileOrder()) {
                boolean declared = executor.startsWith("apiguard-");
                if (!declared || handles(executor, event)) {
                    expected.add(executor + " " + event);
                }
            }
        }
        assertThat(calls).containsExactlyElementsOf(expected);
        assertThat(calls)
                .contains("apiguard-refresh-token-reuse TOKEN_REFRESH")
                .contains(
                        "apiguard-scope-policy TOKEN_REFRESH_RESPONSE", "apiguard-admin-step-up TOKEN_REFRESH_RESPONSE")
                .doesNotContain(
                        "apiguard-refresh-token-reuse TOKEN_REFRESH_RESPONSE", "apiguard-scope-policy TOKEN_REFRESH")
                .noneMatch(call -> call.startsWith("apiguard-client-guard")
                        || call.startsWith("apiguard-token-policy")
                        || call.startsWith("apiguard-pkce-challenge-reuse"));
        assertThat(calls)
                .filteredOn(call -> keycloaks.contains(call.split(" ")[0]))
                .hasSize(8);
        // Each provider the request needs is looked up and configured once, the executors of neither event never.
        assertThat(lookups).doesNotHaveDuplicates();
        assertThat(lookups)
                .containsExactlyInAnyOrder(
                        "any-client",
                        "apiguard-operator-client",
                        "pkce-enforcer",
                        "reject-implicit-grant",
                        "reject-ropc-grant",
                        "secure-redirect-uris-enforcer",
                        "apiguard-refresh-token-reuse",
                        "apiguard-scope-policy",
                        "apiguard-admin-step-up");
    }

    @Test
    void clientRegistrationWhenRegisterThenTheRegistrationExecutorsAreCalled() throws Exception {
        manager().triggerOnEvent(event(ClientPolicyEvent.REGISTER));

        assertThat(calls)
                .contains("apiguard-client-guard REGISTER", "apiguard-token-policy REGISTER", "pkce-enforcer REGISTER")
                .noneMatch(call ->
                        call.startsWith("apiguard-refresh-token-reuse") || call.startsWith("apiguard-scope-policy"));
    }

    @Test
    void anotherSessionWhenTheSameEventThenItsOwnProvidersAreLookedUp() throws Exception {
        manager().triggerOnEvent(event(ClientPolicyEvent.TOKEN_REFRESH));
        int first = lookups.size();

        manager().triggerOnEvent(event(ClientPolicyEvent.TOKEN_REFRESH));

        // Providers belong to a session: a new session (a new manager) looks them up again.
        assertThat(lookups).hasSize(2 * first);
    }

    @Test
    void keycloakProviderWhenNotKnownToKeepItsConfigurationThenConfiguredAfreshOnEveryEvent() throws Exception {
        when(realm.getAttribute(Constants.CLIENT_POLICIES))
                .thenReturn("{\"policies\":[{\"name\":\"p\",\"enabled\":true,"
                        + "\"conditions\":[{\"condition\":\"any-client\",\"configuration\":{}}],"
                        + "\"profiles\":[\"q\"]}]}");
        when(realm.getAttribute(Constants.CLIENT_PROFILES))
                .thenReturn(
                        "{\"profiles\":[{\"name\":\"q\",\"executors\":["
                                + "{\"executor\":\"apiguard-scope-policy\",\"configuration\":{}},"
                                + "{\"executor\":\"holder-of-key-enforcer\",\"configuration\":{\"auto-configure\":\"true\"}}]}]}");
        ClientPolicyManager manager = manager();

        manager.triggerOnEvent(event(ClientPolicyEvent.TOKEN_RESPONSE));
        manager.triggerOnEvent(event(ClientPolicyEvent.TOKEN_RESPONSE));

        assertThat(calls)
                .containsExactly(
                        "apiguard-scope-policy TOKEN_RESPONSE",
                        "holder-of-key-enforcer TOKEN_RESPONSE",
                        "apiguard-scope-policy TOKEN_RESPONSE",
                        "holder-of-key-enforcer TOKEN_RESPONSE");
        // holder-of-key-enforcer may write its configuration: looked up and configured on each event, as by Keycloak.
        assertThat(lookups)
                .containsExactly(
                        "any-client", "apiguard-scope-policy", "holder-of-key-enforcer", "holder-of-key-enforcer");
    }

    private static List<String> profileOrder() throws Exception {
        JsonNode realmFile = JSON.readTree(Files.readString(Path.of("../realm-config/apiguard-demo.json")));
        return realmFile
                .get("clientProfiles")
                .get("profiles")
                .get(0)
                .get("executors")
                .findValuesAsText("executor");
    }

    private static boolean handles(String executor, ClientPolicyEvent event) {
        return ClientPolicyPlanTest.apiGuardExecutors()
                .filter(factory -> factory.getId().equals(executor))
                .anyMatch(factory -> ((HandledEvents) factory).handledEvents().contains(event));
    }
}
