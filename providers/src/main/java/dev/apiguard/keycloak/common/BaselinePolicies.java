package dev.apiguard.keycloak.common;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;

/**
 * Which client-policy executors a realm applies to every client but Keycloak's operator clients:
 * those of the profiles named by an enabled policy whose conditions are only {@code any-client}
 * and a negated {@code apiguard-operator-client}. A narrower policy does not count, so that what
 * API Guard advertises (discovery) never claims more than is enforced.
 */
public final class BaselinePolicies {

    /** Id of API Guard's operator-client condition (its factory lives in the clientguard package). */
    public static final String OPERATOR_CLIENT_CONDITION = "apiguard-operator-client";

    static final String ANY_CLIENT = "any-client";

    private static final Logger LOG = Logger.getLogger(BaselinePolicies.class);

    private BaselinePolicies() {}

    /** The executor ids applied to every non-operator client of the realm; empty when unknown. */
    public static Set<String> executorsForEveryClient(KeycloakSession session, RealmModel realm) {
        if (realm == null) {
            return Set.of();
        }
        try {
            return executorsForEveryClient(
                    session.clientPolicy().getClientProfiles(realm, true),
                    session.clientPolicy().getClientPolicies(realm, true));
        } catch (ClientPolicyException e) {
            LOG.warnf("Cannot read the client policies of realm '%s': %s", realm.getName(), e.getMessage());
            return Set.of();
        }
    }

    public static Set<String> executorsForEveryClient(
            ClientProfilesRepresentation profiles, ClientPoliciesRepresentation policies) {
        Map<String, ClientProfileRepresentation> byName = new HashMap<>();
        if (profiles != null) {
            for (List<ClientProfileRepresentation> list :
                    listsOf(profiles.getProfiles(), profiles.getGlobalProfiles())) {
                list.forEach(profile -> byName.put(profile.getName(), profile));
            }
        }
        Set<String> executors = new HashSet<>();
        if (policies == null) {
            return executors;
        }
        for (List<ClientPolicyRepresentation> list : listsOf(policies.getPolicies(), policies.getGlobalPolicies())) {
            for (ClientPolicyRepresentation policy : list) {
                if (!Boolean.TRUE.equals(policy.isEnabled())
                        || !coversEveryClient(policy.getConditions())
                        || policy.getProfiles() == null) {
                    continue;
                }
                for (String name : policy.getProfiles()) {
                    ClientProfileRepresentation profile = byName.get(name);
                    if (profile != null && profile.getExecutors() != null) {
                        for (ClientPolicyExecutorRepresentation executor : profile.getExecutors()) {
                            executors.add(executor.getExecutorProviderId());
                        }
                    }
                }
            }
        }
        return executors;
    }

    @SafeVarargs
    private static <T> List<List<T>> listsOf(List<T>... lists) {
        List<List<T>> result = new ArrayList<>();
        for (List<T> list : lists) {
            if (list != null) {
                result.add(list);
            }
        }
        return result;
    }

    private static boolean coversEveryClient(List<ClientPolicyConditionRepresentation> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            return false;
        }
        for (ClientPolicyConditionRepresentation condition : conditions) {
            boolean negated = isNegated(condition.getConfiguration());
            String id = condition.getConditionProviderId();
            boolean everyClient = ANY_CLIENT.equals(id) && !negated;
            boolean everyButOperators = OPERATOR_CLIENT_CONDITION.equals(id) && negated;
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
