package dev.apiguard.keycloak.realmaudit;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;

/**
 * What a realm's client policies enforce on every client: a policy counts when it is enabled,
 * applies to any client ({@code any-client}, optionally minus Keycloak's operator clients), and
 * names a profile (the realm's or one of Keycloak's global ones) with the executor.
 */
final class ClientPolicies {

    /** Keycloak 26.7's global profiles and the executors relevant here that each contains. */
    private static final Map<String, Set<String>> GLOBAL_PROFILE_EXECUTORS = Map.of(
            "fapi-2-security-profile",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"),
            "fapi-2-message-signing",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"),
            "fapi-2-dpop-security-profile",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"),
            "fapi-2-dpop-message-signing",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"),
            "oauth-2-1-for-confidential-client",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"),
            "oauth-2-1-for-public-client",
                    Set.of(
                            "pkce-enforcer",
                            "reject-implicit-grant",
                            "reject-ropc-grant",
                            "secure-redirect-uris-enforcer"));

    /** The executor that marks API Guard's baseline profile. */
    static final String BASELINE_EXECUTOR = "apiguard-token-policy";

    private ClientPolicies() {}

    static boolean enforcesPkce(AuditedRealm realm) {
        return executorsForEveryClient(realm).contains("pkce-enforcer");
    }

    static boolean baselineAdopted(AuditedRealm realm) {
        return executorsForEveryClient(realm).contains(BASELINE_EXECUTOR);
    }

    /** Executors that some enabled policy applies to every (non-operator) client. */
    static Set<String> executorsForEveryClient(AuditedRealm realm) {
        Set<String> executors = new HashSet<>();
        // Keycloak returns null for a document it cannot read (and logs it): such a document enforces nothing.
        ClientPoliciesRepresentation policies = realm.rep().getParsedClientPolicies();
        ClientProfilesRepresentation profiles = realm.rep().getParsedClientProfiles();
        if (policies == null || policies.getPolicies() == null) {
            return executors;
        }
        for (ClientPolicyRepresentation policy : policies.getPolicies()) {
            if (Boolean.FALSE.equals(policy.isEnabled()) || !appliesToEveryClient(policy.getConditions())) {
                continue;
            }
            for (String profileName : policy.getProfiles() == null ? List.<String>of() : policy.getProfiles()) {
                executors.addAll(GLOBAL_PROFILE_EXECUTORS.getOrDefault(profileName, Set.of()));
                if (profiles != null && profiles.getProfiles() != null) {
                    for (ClientProfileRepresentation profile : profiles.getProfiles()) {
                        if (profileName.equals(profile.getName()) && profile.getExecutors() != null) {
                            profile.getExecutors().forEach(executor -> executors.add(executor.getExecutorProviderId()));
                        }
                    }
                }
            }
        }
        return executors;
    }

    private static boolean appliesToEveryClient(List<ClientPolicyConditionRepresentation> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            return false;
        }
        boolean any = false;
        for (ClientPolicyConditionRepresentation condition : conditions) {
            String id = condition.getConditionProviderId();
            boolean negative = condition.getConfiguration() != null
                    && condition.getConfiguration().has("is-negative-logic")
                    && condition
                            .getConfiguration()
                            .get("is-negative-logic")
                            .asText()
                            .equals("true");
            if ("any-client".equals(id) && !negative) {
                any = true;
            } else if (!("apiguard-operator-client".equals(id) && negative)) {
                return false;
            }
        }
        return any;
    }
}
