package dev.apiguard.keycloak.realmconfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.keycloak.models.Constants;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.ScopeMappingRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * References inside one realm file that point at nothing. Keycloak's import does not fail on
 * them: a user's misspelt role is simply not granted, a client's misspelt scope not assigned, a
 * policy's misspelt profile not applied. Checked:
 * <ul>
 *   <li>{@code users[].realmRoles} and {@code scopeMappings[].roles} name declared realm roles
 *       (or the ones Keycloak creates: {@code offline_access}, {@code uma_authorization},
 *       {@code default-roles-<realm>});</li>
 *   <li>{@code users[].serviceAccountClientId} and {@code scopeMappings[].client} name declared clients;</li>
 *   <li>when the file declares {@code clientScopes} (then Keycloak adds none of its own), every
 *       default and optional scope of the realm and of each client is one of them;</li>
 *   <li>{@code clientPolicies.policies[].profiles} name a declared profile or one of Keycloak's
 *       global profiles.</li>
 * </ul>
 */
final class RealmReferences {

    /** Keycloak 26.7's global client profiles, which a realm policy may name without declaring. */
    static final Set<String> GLOBAL_PROFILES = Set.of(
            "fapi-1-baseline",
            "fapi-1-advanced",
            "fapi-ciba",
            "fapi-2-security-profile",
            "fapi-2-message-signing",
            "oauth-2-1-for-confidential-client",
            "oauth-2-1-for-public-client",
            "fapi-2-dpop-security-profile",
            "fapi-2-dpop-message-signing",
            "saml-security-profile");

    private RealmReferences() {}

    static List<String> dangling(RealmRepresentation realm) {
        List<String> problems = new ArrayList<>();
        Set<String> roles = realmRoles(realm);
        Set<String> clients = new HashSet<>();
        if (realm.getClients() != null) {
            realm.getClients().forEach(client -> clients.add(client.getClientId()));
        }
        if (realm.getUsers() != null) {
            for (UserRepresentation user : realm.getUsers()) {
                String where = "users[username=" + user.getUsername() + "]";
                for (String role : orEmpty(user.getRealmRoles())) {
                    if (!roles.contains(role)) {
                        problems.add(where + ".realmRoles: role '" + role + "' is not declared in roles.realm");
                    }
                }
                if (user.getServiceAccountClientId() != null && !clients.contains(user.getServiceAccountClientId())) {
                    problems.add(where + ".serviceAccountClientId: client '" + user.getServiceAccountClientId()
                            + "' is not declared");
                }
            }
        }
        if (realm.getScopeMappings() != null) {
            for (ScopeMappingRepresentation mapping : realm.getScopeMappings()) {
                String where = "scopeMappings[client=" + mapping.getClient() + "]";
                if (mapping.getClient() != null && !clients.contains(mapping.getClient())) {
                    problems.add(where + ".client: client '" + mapping.getClient() + "' is not declared");
                }
                for (String role : mapping.getRoles() == null ? Set.<String>of() : mapping.getRoles()) {
                    if (!roles.contains(role)) {
                        problems.add(where + ".roles: role '" + role + "' is not declared in roles.realm");
                    }
                }
            }
        }
        if (realm.getClientScopes() != null) {
            Set<String> scopes = new HashSet<>();
            for (ClientScopeRepresentation scope : realm.getClientScopes()) {
                scopes.add(scope.getName());
            }
            checkScopes("defaultDefaultClientScopes", realm.getDefaultDefaultClientScopes(), scopes, problems);
            checkScopes("defaultOptionalClientScopes", realm.getDefaultOptionalClientScopes(), scopes, problems);
            if (realm.getClients() != null) {
                for (ClientRepresentation client : realm.getClients()) {
                    String where = "clients[clientId=" + client.getClientId() + "]";
                    checkScopes(where + ".defaultClientScopes", client.getDefaultClientScopes(), scopes, problems);
                    checkScopes(where + ".optionalClientScopes", client.getOptionalClientScopes(), scopes, problems);
                }
            }
        }
        if (realm.getParsedClientPolicies() != null
                && realm.getParsedClientPolicies().getPolicies() != null) {
            Set<String> profiles = new HashSet<>(GLOBAL_PROFILES);
            if (realm.getParsedClientProfiles() != null
                    && realm.getParsedClientProfiles().getProfiles() != null) {
                for (ClientProfileRepresentation profile :
                        realm.getParsedClientProfiles().getProfiles()) {
                    profiles.add(profile.getName());
                }
            }
            for (ClientPolicyRepresentation policy :
                    realm.getParsedClientPolicies().getPolicies()) {
                for (String profile : orEmpty(policy.getProfiles())) {
                    if (!profiles.contains(profile)) {
                        problems.add("clientPolicies[name=" + policy.getName() + "].profiles: profile '" + profile
                                + "' is neither declared in clientProfiles nor one of Keycloak's global profiles");
                    }
                }
            }
        }
        return problems;
    }

    private static Set<String> realmRoles(RealmRepresentation realm) {
        Set<String> roles = new HashSet<>(Set.of(
                Constants.OFFLINE_ACCESS_ROLE,
                Constants.AUTHZ_UMA_AUTHORIZATION,
                Constants.DEFAULT_ROLES_ROLE_PREFIX + "-" + realm.getRealm()));
        if (realm.getRoles() != null && realm.getRoles().getRealm() != null) {
            for (RoleRepresentation role : realm.getRoles().getRealm()) {
                roles.add(role.getName());
            }
        }
        return roles;
    }

    private static void checkScopes(
            String where, List<String> referenced, Set<String> declared, List<String> problems) {
        for (String scope : orEmpty(referenced)) {
            if (!declared.contains(scope)) {
                problems.add(where + ": client scope '" + scope + "' is not declared in clientScopes");
            }
        }
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
