package dev.apiguard.keycloak.pkce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apiguard.keycloak.clientguard.OperatorClientConditionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;

/**
 * Whether a realm's client policies enforce PKCE S256 for every (non-operator) client: an enabled
 * policy whose conditions are only {@code any-client} and negated {@code apiguard-operator-client},
 * applying a profile with Keycloak's {@code pkce-enforcer}. Anything narrower does not count,
 * so discovery never claims more than is enforced.
 */
final class PkceBaseline {

    private static final Logger LOG = Logger.getLogger(PkceBaseline.class);

    static final String PKCE_ENFORCER = "pkce-enforcer";
    static final String ANY_CLIENT = "any-client";

    private PkceBaseline() {
    }

    static boolean enforcesS256ForEveryClient(KeycloakSession session, RealmModel realm) {
        if (realm == null) {
            return false;
        }
        try {
            ClientProfilesRepresentation profiles = session.clientPolicy().getClientProfiles(realm, true);
            ClientPoliciesRepresentation policies = session.clientPolicy().getClientPolicies(realm, true);
            return enforces(profiles, policies);
        } catch (ClientPolicyException e) {
            LOG.warnf("Cannot read the client policies of realm '%s': %s", realm.getName(), e.getMessage());
            return false;
        }
    }

    static boolean enforces(ClientProfilesRepresentation profiles, ClientPoliciesRepresentation policies) {
        Set<String> pkceProfiles = pkceProfiles(profiles);
        for (ClientPolicyRepresentation policy : all(policies)) {
            if (Boolean.TRUE.equals(policy.isEnabled())
                    && coversEveryClient(policy.getConditions())
                    && policy.getProfiles() != null
                    && policy.getProfiles().stream().anyMatch(pkceProfiles::contains)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> pkceProfiles(ClientProfilesRepresentation profiles) {
        List<ClientProfileRepresentation> all = new ArrayList<>();
        if (profiles != null) {
            if (profiles.getProfiles() != null) {
                all.addAll(profiles.getProfiles());
            }
            if (profiles.getGlobalProfiles() != null) {
                all.addAll(profiles.getGlobalProfiles());
            }
        }
        return all.stream()
                .filter(profile -> profile.getExecutors() != null && profile.getExecutors().stream()
                        .anyMatch(executor -> PKCE_ENFORCER.equals(executor.getExecutorProviderId())))
                .map(ClientProfileRepresentation::getName)
                .collect(Collectors.toSet());
    }

    private static List<ClientPolicyRepresentation> all(ClientPoliciesRepresentation policies) {
        List<ClientPolicyRepresentation> all = new ArrayList<>();
        if (policies != null) {
            if (policies.getPolicies() != null) {
                all.addAll(policies.getPolicies());
            }
            if (policies.getGlobalPolicies() != null) {
                all.addAll(policies.getGlobalPolicies());
            }
        }
        return all;
    }

    private static boolean coversEveryClient(List<ClientPolicyConditionRepresentation> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            return false;
        }
        for (ClientPolicyConditionRepresentation condition : conditions) {
            boolean negated = isNegated(condition.getConfiguration());
            String id = condition.getConditionProviderId();
            boolean everyClient = ANY_CLIENT.equals(id) && !negated;
            boolean everyButOperators = OperatorClientConditionFactory.PROVIDER_ID.equals(id) && negated;
            if (!everyClient && !everyButOperators) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNegated(JsonNode configuration) {
        if (configuration == null) {
            return false;
        }
        JsonNode value = configuration.get("is-negative-logic");
        return value != null && (value.asBoolean(false) || "true".equalsIgnoreCase(value.asText()));
    }
}
