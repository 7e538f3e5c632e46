package dev.apiguard.keycloak.kc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apiguard.keycloak.abac.ScopePolicyExecutorFactory;
import dev.apiguard.keycloak.clientguard.ClientGuardExecutorFactory;
import dev.apiguard.keycloak.pkce.ChallengeReuseConfiguration;
import dev.apiguard.keycloak.pkce.ChallengeReuseExecutorFactory;
import dev.apiguard.keycloak.stepup.StepUpExecutorFactory;
import dev.apiguard.keycloak.tokens.RefreshReuseExecutorFactory;
import dev.apiguard.keycloak.tokens.TokenPolicyExecutorFactory;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyMode;
import org.keycloak.services.clientpolicy.context.PreTokenRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

class ClientPolicyPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void demoRealmPlanHoldsTheBaselinePolicyWithItsConditionsAndTheProfileExecutorsInOrder() throws Exception {
        JsonNode realm = JSON.readTree(Files.readString(Path.of("../realm-config/apiguard-demo.json")));
        String policies = JSON.writeValueAsString(realm.get("clientPolicies"));
        String profiles = JSON.writeValueAsString(realm.get("clientProfiles"));

        ClientPolicyPlan plan = ClientPolicyPlan.build("realm-id", "demo", policies, profiles, List.of(), List.of());

        assertThat(plan.policies()).hasSize(1);
        ClientPolicyPlan.Policy policy = plan.policies().get(0);
        assertThat(policy.name()).isEqualTo("apiguard-baseline");
        assertThat(policy.mode()).isEqualTo(ClientPolicyMode.DEFAULT);
        assertThat(policy.conditions())
                .extracting(c -> c.providerId)
                .containsExactly("any-client", "apiguard-operator-client");
        assertThat(policy.profiles()).containsExactly("apiguard-baseline");
        List<String> expected = realm.get("clientProfiles")
                .get("profiles")
                .get(0)
                .get("executors")
                .findValuesAsText("executor");
        assertThat(plan.profile("apiguard-baseline"))
                .extracting(e -> e.providerId)
                .containsExactlyElementsOf(expected);
        assertThat(ClientPolicyPlan.adopted(policies, profiles)).isTrue();
    }

    @Test
    void componentIdsAreKeycloaksSoSessionAndFactoryCachesAreShared() throws Exception {
        String profiles = "{\"profiles\":[{\"name\":\"p\",\"executors\":[{\"executor\":\"pkce-enforcer\","
                + "\"configuration\":{\"auto-configure\":\"true\"}}]}]}";
        ClientPolicyPlan plan = ClientPolicyPlan.build("r1", "r", null, profiles, List.of(), List.of());

        ClientPolicyPlan.Component executor = plan.profile("p").get(0);
        JsonNode config = JSON.readTree("{\"auto-configure\":\"true\"}");
        assertThat(executor.model.getId())
                .isEqualTo(
                        "r1::interface org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider::pkce-enforcer::"
                                + config.hashCode());
    }

    @Test
    void globalPoliciesComeFirstAndOnlyNamedEnabledPoliciesApply() {
        ClientPolicyRepresentation global = policy("global", true, null);
        String policies = "{\"policies\":["
                + "{\"name\":\"off\",\"enabled\":false,\"conditions\":[],\"profiles\":[]},"
                + "{\"enabled\":true,\"conditions\":[],\"profiles\":[]},"
                + "{\"name\":\"strict\",\"enabled\":true,\"mode\":\"strict\",\"profiles\":[\"x\"]},"
                + "{\"name\":\"unset\",\"conditions\":[],\"profiles\":[]}]}";

        ClientPolicyPlan plan = ClientPolicyPlan.build("r", "r", policies, null, List.of(global), List.of());

        assertThat(plan.policies()).extracting(ClientPolicyPlan.Policy::name).containsExactly("global", "strict");
        assertThat(plan.policies().get(1).mode()).isEqualTo(ClientPolicyMode.STRICT);
        assertThat(plan.policies().get(1).conditions()).isEmpty();
    }

    @Test
    void aRealmProfileHidesAGlobalProfileOfTheSameNameAsInKeycloak() {
        ClientProfileRepresentation global = new ClientProfileRepresentation();
        global.setName("fapi-2-security-profile");
        global.setExecutors(List.of());
        String profiles = "{\"profiles\":[{\"name\":\"fapi-2-security-profile\",\"executors\":["
                + "{\"executor\":\"apiguard-client-guard\",\"configuration\":{}}]},"
                + "{\"name\":\"fapi-2-security-profile\",\"executors\":[]}]}";

        ClientPolicyPlan plan = ClientPolicyPlan.build("r", "r", null, profiles, List.of(), List.of(global));

        assertThat(plan.profile("fapi-2-security-profile"))
                .extracting(e -> e.providerId)
                .containsExactly("apiguard-client-guard");
        assertThat(plan.profile("missing")).isNull();
    }

    @Test
    void unreadablePoliciesApplyNoPolicyAndUnreadableProfilesFailWhenNeeded() {
        ClientPolicyPlan plan =
                ClientPolicyPlan.build("r", "r", "{not json", "[also not", List.of(policy("g", true, null)), List.of());

        assertThat(plan.policies()).isEmpty();
        assertThat(plan.profilesError()).isNotBlank();
    }

    @Test
    void anUnknownModeOrAMissingConfigurationIsLeftToKeycloak() {
        String badMode = "{\"policies\":[{\"name\":\"p\",\"enabled\":true,\"mode\":\"sometimes\",\"profiles\":[]}]}";
        String noConfig = "{\"profiles\":[{\"name\":\"p\",\"executors\":[{\"executor\":\"apiguard-client-guard\"}]}]}";

        assertThatThrownBy(() -> ClientPolicyPlan.build("r", "r", badMode, null, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientPolicyPlan.build("r", "r", null, noConfig, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builtFromComparesTheAttributeTextsAndTheGlobalListsByIdentity() {
        List<ClientPolicyRepresentation> globals = List.of();
        String policies = "{\"policies\":[]}";
        ClientPolicyPlan plan = ClientPolicyPlan.build("r", "r", policies, null, globals, new java.util.ArrayList<>());
        List<ClientProfileRepresentation> profiles = new java.util.ArrayList<>();
        ClientPolicyPlan plan2 = ClientPolicyPlan.build("r", "r", policies, null, globals, profiles);

        assertThat(plan2.builtFrom(new String(policies), null, globals, profiles))
                .isTrue();
        assertThat(plan2.builtFrom(policies + " ", null, globals, profiles)).isFalse();
        assertThat(plan2.builtFrom(policies, "{}", globals, profiles)).isFalse();
        assertThat(plan2.builtFrom(policies, null, new java.util.ArrayList<>(globals), profiles))
                .isFalse();
        assertThat(plan.builtFrom(policies, null, globals, profiles)).isFalse();
    }

    @Test
    void adoptedOnlyWhenAPolicyOrProfileNamesAnApiGuardProvider() {
        assertThat(ClientPolicyPlan.adopted(null, null)).isFalse();
        assertThat(ClientPolicyPlan.adopted(
                        "{\"policies\":[]}",
                        "{\"profiles\":[{\"name\":\"x\",\"executors\":["
                                + "{\"executor\":\"pkce-enforcer\",\"configuration\":{}}]}]}"))
                .isFalse();
        assertThat(ClientPolicyPlan.adopted(
                        null,
                        "{\"profiles\":[{\"name\":\"x\",\"executors\":["
                                + "{\"executor\":\"apiguard-token-policy\",\"configuration\":{}}]}]}"))
                .isTrue();
        assertThat(ClientPolicyPlan.adopted(
                        "{\"policies\":[{\"name\":\"p\",\"conditions\":["
                                + "{\"condition\":\"apiguard-operator-client\",\"configuration\":{}}]}]}",
                        null))
                .isTrue();
    }

    @Test
    void readOnlyConfigurationsAreConvertedOnceAndOtherKeycloakOnesOnEveryUse() {
        String profiles = "{\"profiles\":[{\"name\":\"p\",\"executors\":["
                + "{\"executor\":\"apiguard-pkce-challenge-reuse\",\"configuration\":{\"window-seconds\":\"60\"}},"
                + "{\"executor\":\"pkce-enforcer\",\"configuration\":{\"auto-configure\":\"true\"}},"
                + "{\"executor\":\"secure-request-object\",\"configuration\":{\"verify-nbf\":true}}]}]}";
        ClientPolicyPlan plan = ClientPolicyPlan.build("r", "r", null, profiles, List.of(), List.of());
        ClientPolicyPlan.Component own = plan.profile("p").get(0);
        ClientPolicyPlan.Component pkce = plan.profile("p").get(1);
        ClientPolicyPlan.Component writesItsConfiguration = plan.profile("p").get(2);

        Object first = own.configuration(ChallengeReuseConfiguration.class);
        assertThat(first).isInstanceOf(ChallengeReuseConfiguration.class);
        assertThat(own.configuration(ChallengeReuseConfiguration.class)).isSameAs(first);
        Object kc = pkce.configuration(ClientPolicyExecutorConfigurationRepresentation.class);
        assertThat(pkce.configuration(ClientPolicyExecutorConfigurationRepresentation.class))
                .as("pkce-enforcer never writes its configuration: one conversion")
                .isSameAs(kc);
        Object other = writesItsConfiguration.configuration(ClientPolicyExecutorConfigurationRepresentation.class);
        assertThat(writesItsConfiguration.configuration(ClientPolicyExecutorConfigurationRepresentation.class))
                .as("secure-request-object writes defaults into its configuration: a fresh one each time")
                .isNotSameAs(other)
                .isInstanceOf(ClientPolicyExecutorConfigurationRepresentation.class);
        assertThat(ClientPolicyPlan.READ_ONLY_KEYCLOAK_PROVIDERS)
                .doesNotContain("secure-request-object", "secure-signing-algorithm");
    }

    private static ClientPolicyRepresentation policy(String name, Boolean enabled, String mode) {
        ClientPolicyRepresentation policy = new ClientPolicyRepresentation();
        policy.setName(name);
        policy.setEnabled(enabled);
        policy.setMode(mode);
        policy.setConditions(List.of());
        policy.setProfiles(List.of());
        return policy;
    }

    @Test
    void demoRealmBaselineWhenPreTokenRequestThenInertAndAnExecutorActingOnItMakesAPolicyEvaluated() throws Exception {
        JsonNode realm = JSON.readTree(Files.readString(Path.of("../realm-config/apiguard-demo.json")));
        ClientPolicyPlan demo = ClientPolicyPlan.build(
                "realm-id",
                "demo",
                JSON.writeValueAsString(realm.get("clientPolicies")),
                JSON.writeValueAsString(realm.get("clientProfiles")),
                List.of(),
                List.of());
        String policies = "{\"policies\":[{\"name\":\"p\",\"enabled\":true,\"conditions\":[{\"condition\":"
                + "\"any-client\",\"configuration\":{}}],\"profiles\":[\"dpop\",\"missing\"]}]}";
        String dpop = "{\"profiles\":[{\"name\":\"dpop\",\"executors\":[{\"executor\":\"pkce-enforcer\","
                + "\"configuration\":{}},{\"executor\":\"dpop-bind-enforcer\",\"configuration\":{}}]}]}";
        ClientPolicyPlan withDpop = ClientPolicyPlan.build("r", "r", policies, dpop, List.of(), List.of());
        ClientPolicyPlan onlyUnresolved =
                ClientPolicyPlan.build("r", "r", policies.replace("\"dpop\",", ""), dpop, List.of(), List.of());

        assertThat(demo.inertOnPreTokenRequest(demo.policies().get(0))).isTrue();
        // dpop-bind-enforcer acts on PRE_TOKEN_REQUEST: the policy is evaluated as Keycloak does.
        assertThat(withDpop.inertOnPreTokenRequest(withDpop.policies().get(0))).isFalse();
        // A profile name that resolves to nothing has no executor (Keycloak skips it too).
        assertThat(onlyUnresolved.inertOnPreTokenRequest(
                        onlyUnresolved.policies().get(0)))
                .isTrue();
    }

    static Stream<ClientPolicyExecutorProviderFactory> apiGuardExecutors() {
        return Stream.of(
                new ClientGuardExecutorFactory(),
                new TokenPolicyExecutorFactory(),
                new ChallengeReuseExecutorFactory(),
                new RefreshReuseExecutorFactory(),
                new ScopePolicyExecutorFactory(),
                new StepUpExecutorFactory());
    }

    @ParameterizedTest
    @MethodSource("apiGuardExecutors")
    void apiGuardExecutorWhenPreTokenRequestThenListedAsInertAndTouchesNothing(
            ClientPolicyExecutorProviderFactory factory) throws Exception {
        KeycloakSession session = mock(KeycloakSession.class);
        var executor = factory.create(session);
        clearInvocations(session);
        // The context resolves the client from the code through the session when asked: nothing may ask.
        PreTokenRequestContext context = new PreTokenRequestContext(session, new MultivaluedHashMap<>());

        executor.executeOnEvent(context);

        assertThat(ClientPolicyPlan.INERT_ON_PRE_TOKEN_REQUEST).contains(factory.getId());
        verifyNoInteractions(session);
    }
}
