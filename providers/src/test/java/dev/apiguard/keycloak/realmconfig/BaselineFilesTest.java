package dev.apiguard.keycloak.realmconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo realm carries exactly the baseline that realm-config/baseline/ offers to existing realms. */
class BaselineFilesTest {

    private static final Path REALM_CONFIG = Path.of(System.getProperty("apiguard.repo.root"), "realm-config");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void demoRealmWhenComparedThenHasTheBaselineProfilesAndPoliciesVerbatim() throws IOException {
        JsonNode realm =
                JSON.readTree(REALM_CONFIG.resolve("apiguard-demo.json").toFile());

        assertThat(realm.get("clientProfiles"))
                .isEqualTo(JSON.readTree(
                        REALM_CONFIG.resolve("baseline/client-profiles.json").toFile()));
        assertThat(realm.get("clientPolicies"))
                .isEqualTo(JSON.readTree(
                        REALM_CONFIG.resolve("baseline/client-policies.json").toFile()));
    }

    @Test
    void baselineProfileWhenReadThenRunsTheClientGuardBeforeKeycloaksAutoConfiguringExecutors() throws IOException {
        JsonNode executors = JSON.readTree(
                        REALM_CONFIG.resolve("baseline/client-profiles.json").toFile())
                .get("profiles")
                .get(0)
                .get("executors");

        assertThat(executors.get(0).get("executor").asText()).isEqualTo("apiguard-client-guard");
        assertThat(executors.findValuesAsText("executor"))
                .contains(
                        "pkce-enforcer",
                        "reject-implicit-grant",
                        "reject-ropc-grant",
                        "secure-redirect-uris-enforcer",
                        "apiguard-pkce-challenge-reuse");
    }
}
