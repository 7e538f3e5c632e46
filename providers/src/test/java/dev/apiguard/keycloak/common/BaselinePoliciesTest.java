package dev.apiguard.keycloak.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;

class BaselinePoliciesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PROFILES = """
            {"profiles": [{"name": "p", "executors": [{"executor": "pkce-enforcer", "configuration": {}},
                                                       {"executor": "apiguard-token-policy", "configuration": {}}]},
                          {"name": "other", "executors": [{"executor": "reject-ropc-grant", "configuration": {}}]}]}
            """;

    @Test
    void executorsWhenEnabledPolicyCoversEveryNonOperatorClientThenThoseOfItsProfiles() throws Exception {
        assertThat(executors(policy(true, """
                [{"condition": "any-client", "configuration": {}},
                 {"condition": "apiguard-operator-client", "configuration": {"is-negative-logic": "true"}}]""", "p")))
                .containsExactlyInAnyOrder("pkce-enforcer", "apiguard-token-policy");
    }

    @Test
    void executorsWhenPolicyIsDisabledThenNone() throws Exception {
        assertThat(executors(policy(false, "[{\"condition\": \"any-client\"}]", "p")))
                .isEmpty();
    }

    @Test
    void executorsWhenPolicyIsNarrowerThanEveryClientThenNone() throws Exception {
        assertThat(executors(policy(true, """
                [{"condition": "client-access-type", "configuration": {"type": ["public"]}}]""", "p"))).isEmpty();
    }

    @Test
    void executorsWhenOperatorConditionIsNotNegatedThenNone() throws Exception {
        assertThat(executors(policy(true, "[{\"condition\": \"apiguard-operator-client\"}]", "p")))
                .isEmpty();
    }

    @Test
    void executorsWhenPolicyNamesAnotherProfileThenOnlyThatProfilesExecutors() throws Exception {
        assertThat(executors(policy(true, "[{\"condition\": \"any-client\"}]", "other")))
                .containsExactly("reject-ropc-grant");
    }

    @Test
    void executorsWhenNoPolicyThenNone() throws Exception {
        assertThat(BaselinePolicies.executorsForEveryClient(
                        JSON.readValue(PROFILES, ClientProfilesRepresentation.class),
                        new ClientPoliciesRepresentation()))
                .isEmpty();
    }

    private static Set<String> executors(String policies) throws Exception {
        return BaselinePolicies.executorsForEveryClient(
                JSON.readValue(PROFILES, ClientProfilesRepresentation.class),
                JSON.readValue(policies, ClientPoliciesRepresentation.class));
    }

    private static String policy(boolean enabled, String conditions, String profile) {
        return "{\"policies\": [{\"name\": \"x\", \"enabled\": " + enabled + ", \"conditions\": " + conditions
                + ", \"profiles\": [\"" + profile + "\"]}]}";
    }
}
