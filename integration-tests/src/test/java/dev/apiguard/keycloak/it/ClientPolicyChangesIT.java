package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * API Guard evaluates an adopted realm's client policies from a plan parsed once per version of
 * the realm's policies and profiles ({@code kc/CachingClientPolicyManager}): a change saved through
 * Keycloak's admin API applies at the very next request, for Keycloak's executors and for API
 * Guard's (whose configuration the plan keeps), and putting the old document back restores the
 * old behaviour.
 */
@ExtendWith(SharedServerExtension.class)
class ClientPolicyChangesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void policyDisabledThenTheNextRequestIsNoLongerCheckedAndReEnabledThenCheckedAgain(ApiGuardServer server)
            throws Exception {
        Oidc oidc = new Oidc(server);
        // The probe: a reused PKCE challenge, refused only by the policy's executors (the client's own
        // pkce.code.challenge.method attribute makes Keycloak require a challenge with or without a policy).
        String challenge = Pkce.create().challenge();
        oidc.authorize(Oidc.codeRequest("openid", challenge)).then().statusCode(200);
        assertRefused(oidc.authorize(Oidc.codeRequest("openid", challenge)), "code_challenge was already used");

        String original = oidc.asAdmin()
                .get(oidc.adminUrl("/client-policies/policies"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode policies = JSON.readTree(original);
        int disabled = 0;
        for (JsonNode policy : policies.get("policies")) {
            if ("apiguard-baseline".equals(policy.get("name").asText())) {
                ((ObjectNode) policy).put("enabled", false);
                disabled++;
            }
        }
        assertThat(disabled).as("the demo realm has the baseline policy").isEqualTo(1);
        try {
            put(oidc, "/client-policies/policies", JSON.writeValueAsString(policies));

            Response unchecked = oidc.authorize(Oidc.codeRequest("openid", challenge));

            assertThat(unchecked.statusCode())
                    .as(
                            "the baseline policy is off: Keycloak shows the login page (Location: %s)",
                            unchecked.getHeader("Location"))
                    .isEqualTo(200);
        } finally {
            put(oidc, "/client-policies/policies", original);
        }
        assertRefused(oidc.authorize(Oidc.codeRequest("openid", challenge)), "code_challenge was already used");
    }

    @Test
    void apiGuardExecutorConfigurationChangedThenTheNextRequestUsesTheNewOne(ApiGuardServer server) throws Exception {
        Oidc oidc = new Oidc(server);
        String original = oidc.asAdmin()
                .get(oidc.adminUrl("/client-policies/profiles"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode profiles = JSON.readTree(original);
        int changed = 0;
        for (JsonNode profile : profiles.get("profiles")) {
            for (JsonNode executor : profile.get("executors")) {
                if ("apiguard-pkce-challenge-reuse"
                        .equals(executor.get("executor").asText())) {
                    ((ObjectNode) executor.get("configuration")).put("action", "record");
                    changed++;
                }
            }
        }
        assertThat(changed)
                .as("the demo profile has the challenge-reuse executor")
                .isEqualTo(1);
        String challenge = Pkce.create().challenge();
        oidc.authorize(Oidc.codeRequest("openid", challenge)).then().statusCode(200);
        assertRefused(oidc.authorize(Oidc.codeRequest("openid", challenge)), "code_challenge was already used");
        try {
            put(oidc, "/client-policies/profiles", JSON.writeValueAsString(profiles));

            Response recorded = oidc.authorize(Oidc.codeRequest("openid", challenge));

            assertThat(recorded.statusCode())
                    .as("action record: the reused challenge is let through")
                    .isEqualTo(200);
        } finally {
            put(oidc, "/client-policies/profiles", original);
        }
        assertRefused(oidc.authorize(Oidc.codeRequest("openid", challenge)), "code_challenge was already used");
    }

    @Test
    void infoWhenRealmAdoptedApiGuardThenItsPoliciesUseTheCachedPlanAndOtherRealmsKeycloaks(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);

        String demo = oidc.asAdmin()
                .get(oidc.adminUrl("/apiguard/v1/info"))
                .then()
                .statusCode(200)
                .extract()
                .path("clientPolicyEvaluation");
        String master = oidc.asAdmin()
                .get(server.baseUrl() + "/admin/realms/master/apiguard/v1/info")
                .then()
                .statusCode(200)
                .extract()
                .path("clientPolicyEvaluation");

        assertThat(demo).isEqualTo("cached-plan");
        assertThat(master).as("a realm without API Guard's policies").isEqualTo("keycloak");
    }

    private static void put(Oidc oidc, String path, String body) {
        oidc.asAdmin()
                .contentType("application/json")
                .body(body)
                .put(oidc.adminUrl(path))
                .then()
                .statusCode(204);
    }

    private static void assertRefused(Response response, String description) {
        assertThat(response.statusCode()).isEqualTo(302);
        Map<String, String> callback = Oidc.queryOf(response.getHeader("Location"));
        assertThat(callback).containsEntry("error", "invalid_request").doesNotContainKey("code");
        assertThat(callback.get("error_description")).contains(description);
    }
}
