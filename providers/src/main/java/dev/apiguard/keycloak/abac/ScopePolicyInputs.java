package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.kc.Models;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.representations.AccessToken;

/** Builds the {@link PolicyInput} of a request from Keycloak's models; each value is read only when a condition needs it. */
final class ScopePolicyInputs {

    private ScopePolicyInputs() {}

    /**
     * @param token the access token being issued, for acr, amr and auth_time; null at the
     *        authorization endpoint (those stay unbound there and such conditions are deferred)
     */
    static PolicyInput of(
            KeycloakSession session,
            UserModel user,
            ClientModel client,
            String grantType,
            Collection<String> requestedScopes,
            AccessToken token) {
        PolicyInput.Builder input = PolicyInput.builder()
                .value(PolicyVariables.CLIENT_ID, client.getClientId())
                .lazy(PolicyVariables.CLIENT_ATTRIBUTES, () -> Map.copyOf(nonNullValues(client.getAttributes())))
                .value(PolicyVariables.REQUEST_GRANT_TYPE, grantType)
                .value(PolicyVariables.REQUEST_SCOPES, List.copyOf(requestedScopes))
                .lazy(
                        PolicyVariables.REQUEST_SOURCE_IP,
                        () -> session.getContext().getConnection() == null
                                ? null
                                : session.getContext().getConnection().getRemoteAddr())
                .value(PolicyVariables.NOW, Instant.now());
        if (user != null) {
            input.value(PolicyVariables.USER_ID, user.getId())
                    .value(PolicyVariables.USER_USERNAME, user.getUsername())
                    .value(PolicyVariables.USER_EMAIL, user.getEmail())
                    .value(PolicyVariables.USER_EMAIL_VERIFIED, user.isEmailVerified())
                    .value(PolicyVariables.USER_SERVICE_ACCOUNT, user.getServiceAccountClientLink() != null)
                    .lazy(PolicyVariables.USER_ATTRIBUTES, () -> attributes(user))
                    .lazy(
                            PolicyVariables.USER_REALM_ROLES,
                            () -> new MembershipList(
                                    name -> hasRealmRole(client.getRealm(), user, name), () -> realmRoles(user)))
                    .lazy(PolicyVariables.USER_CLIENT_ROLES, () -> clientRoles(user))
                    .lazy(
                            PolicyVariables.USER_GROUPS,
                            () -> user.getGroupsStream().map(Models::groupPath).toList());
        }
        if (token != null) {
            input.value(PolicyVariables.AUTH_ACR, token.getAcr())
                    .value(PolicyVariables.AUTH_TIME, token.getAuth_time())
                    .lazy(
                            PolicyVariables.AUTH_AMR,
                            () -> amr(token.getOtherClaims().get("amr")));
        }
        return input.build();
    }

    private static Map<String, List<String>> attributes(UserModel user) {
        Map<String, List<String>> attributes = new HashMap<>();
        user.getAttributes().forEach((name, values) -> {
            if (values != null) {
                attributes.put(
                        name, values.stream().filter(java.util.Objects::nonNull).toList());
            }
        });
        return attributes;
    }

    /**
     * Whether {@code name} is in {@link #realmRoles}, without building it: the realm role of that name,
     * held by the user directly, through a group (or a parent group) or a composite, as {@code
     * UserModel.hasRole} decides; Keycloak caches both the lookup by name (a missing role too) and the user's
     * mappings.
     */
    static boolean hasRealmRole(RealmModel realm, UserModel user, String name) {
        // A realm role (getRole never answers a client role), compared exactly: a database whose collation ignores
        // case finds the role 'api-user' for 'API-USER'.
        RoleModel role = realm.getRole(name);
        return role != null && name.equals(role.getName()) && user.hasRole(role);
    }

    private static List<String> realmRoles(UserModel user) {
        return RoleUtils.getDeepUserRoleMappings(user).stream()
                .filter(role -> !role.isClientRole())
                .map(RoleModel::getName)
                .sorted()
                .toList();
    }

    private static Map<String, List<String>> clientRoles(UserModel user) {
        Map<String, List<String>> roles = new HashMap<>();
        for (RoleModel role : RoleUtils.getDeepUserRoleMappings(user)) {
            if (role.isClientRole() && role.getContainer() instanceof ClientModel owner) {
                roles.computeIfAbsent(owner.getClientId(), id -> new ArrayList<>())
                        .add(role.getName());
            }
        }
        roles.replaceAll((client, names) -> List.copyOf(names));
        return roles;
    }

    private static List<String> amr(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return claim == null ? null : List.of(String.valueOf(claim));
    }

    private static Map<String, String> nonNullValues(Map<String, String> map) {
        Map<String, String> copy = new HashMap<>();
        map.forEach((key, value) -> {
            if (key != null && value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }
}
