package dev.apiguard.keycloak.pkce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;

class PkceBaselineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PKCE_PROFILE = """
            {"profiles": [{"name": "p", "executors": [{"executor": "pkce-enforcer", "configuration": {}}]},
                          {"name": "other", "executors": [{"executor": "reject-ropc-grant", "configuration": {}}]}]}
            """;

    @Test
    void enforcesWhenEnabledPolicyCoversEveryNonOperatorClientWithPkceProfileThenTrue() throws Exception {
        assertThat(enforces(PKCE_PROFILE, policy(true, """
                [{"condition": "any-client", "configuration": {}},
                 {"condition": "apiguard-operator-client", "configuration": {"is-negative-logic": "true"}}]""", "p"))).isTrue();
    }

    @Test
    void enforcesWhenPolicyIsDisabledThenFalse() throws Exception {
        assertThat(enforces(PKCE_PROFILE, policy(false, "[{\"condition\": \"any-client\"}]", "p"))).isFalse();
    }

    @Test
    void enforcesWhenPolicyIsNarrowerThanEveryClientThenFalse() throws Exception {
        assertThat(enforces(PKCE_PROFILE, policy(true, """
                [{"condition": "client-access-type", "configuration": {"type": ["public"]}}]""", "p"))).isFalse();
    }

    @Test
    void enforcesWhenOperatorConditionIsNotNegatedThenFalse() throws Exception {
        assertThat(enforces(PKCE_PROFILE, policy(true, "[{\"condition\": \"apiguard-operator-client\"}]", "p"))).isFalse();
    }

    @Test
    void enforcesWhenProfileHasNoPkceEnforcerThenFalse() throws Exception {
        assertThat(enforces(PKCE_PROFILE, policy(true, "[{\"condition\": \"any-client\"}]", "other"))).isFalse();
    }

    @Test
    void enforcesWhenNoPolicyThenFalse() throws Exception {
        assertThat(PkceBaseline.enforces(JSON.readValue(PKCE_PROFILE, ClientProfilesRepresentation.class),
                new ClientPoliciesRepresentation())).isFalse();
    }

    private static boolean enforces(String profiles, String policies) throws Exception {
        return PkceBaseline.enforces(JSON.readValue(profiles, ClientProfilesRepresentation.class),
                JSON.readValue(policies, ClientPoliciesRepresentation.class));
    }

    private static String policy(boolean enabled, String conditions, String profile) {
        return "{\"policies\": [{\"name\": \"x\", \"enabled\": " + enabled + ", \"conditions\": " + conditions
                + ", \"profiles\": [\"" + profile + "\"]}]}";
    }
}
