package dev.apiguard.keycloak.realmaudit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * Checks over roles and groups: administrator roles in the default role or a default group,
 * realm roles that carry realm-management roles as composites, offline access for every user.
 */
final class RoleChecks {

    private RoleChecks() {}

    static List<Check> all() {
        return List.of(
                new Check(
                        "roles.default-role-admin",
                        Severity.CRITICAL,
                        "roles",
                        "Every user receives realm-management roles",
                        "The default role (default-roles-<realm>) reaches a realm-management role: each new or registered user can administer or read the realm.",
                        "OWASP API Security Top 10 2023 API5; RFC 9700 2.3",
                        "Realm settings > User registration > Default roles: remove realm-management roles (roles.realm[default-roles-<realm>].composites).",
                        (realm, out) -> {
                            String name = realm.defaultRoleName();
                            Set<String> admin = realm.adminRolesReached(List.of(name), Map.of());
                            if (!admin.isEmpty()) {
                                out.report(
                                        "role:" + name,
                                        rolePath(realm, name),
                                        "default role reaches " + String.join(", ", admin));
                            }
                        }),
                new Check(
                        "roles.default-group-admin",
                        Severity.CRITICAL,
                        "roles",
                        "A default group grants realm-management roles",
                        "Every new user joins the default groups: each one can administer or read the realm.",
                        "OWASP API Security Top 10 2023 API5; RFC 9700 2.3",
                        "Realm settings > User registration > Default groups: remove the group, or remove its realm-management role mappings.",
                        (realm, out) -> {
                            List<String> defaults = realm.rep().getDefaultGroups();
                            if (defaults == null || defaults.isEmpty()) {
                                return;
                            }
                            realm.forEachGroup((group, path) -> {
                                if (defaults.contains(group.getPath())) {
                                    Set<String> admin =
                                            realm.adminRolesReached(group.getRealmRoles(), group.getClientRoles());
                                    if (!admin.isEmpty()) {
                                        out.report(
                                                "group:" + group.getPath(),
                                                path,
                                                "default group reaches " + String.join(", ", admin));
                                    }
                                }
                            });
                        }),
                new Check(
                        "roles.composite-admin",
                        Severity.MEDIUM,
                        "roles",
                        "Realm role carries realm-management roles",
                        "A realm role that contains administrator roles hides them: whoever grants the harmless-looking role grants administration.",
                        "OWASP API Security Top 10 2023 API5; Keycloak Server Administration Guide, composite roles",
                        "Realm roles > <role> > Associated roles: remove realm-management roles; assign them directly to the administrators or an admin group.",
                        (realm, out) -> realm.declaredRealmRoles().forEach(role -> {
                            if (role.value().getName().equals(realm.defaultRoleName())) {
                                return;
                            }
                            Set<String> admin =
                                    realm.adminRolesReached(List.of(role.value().getName()), Map.of());
                            if (!admin.isEmpty()) {
                                out.report(
                                        "role:" + role.value().getName(),
                                        role.path() + ".composites",
                                        "realm role reaches " + String.join(", ", admin));
                            }
                        })),
                new Check(
                        "roles.default-offline-access",
                        Severity.LOW,
                        "roles",
                        "Every user may obtain offline tokens",
                        "The default role includes offline_access (Keycloak's default): any client that asks for the scope gets a refresh token that survives logout.",
                        "RFC 9700 2.3 and 4.14; OWASP API Security Top 10 2023 API5",
                        "Realm settings > User registration > Default roles: remove offline_access; grant it to the users or groups that need offline tokens.",
                        (realm, out) -> {
                            String name = realm.defaultRoleName();
                            RoleRepresentation role = realm.declaredRealmRoles().stream()
                                    .map(AuditedRealm.Indexed::value)
                                    .filter(r -> name.equals(r.getName()))
                                    .findFirst()
                                    .orElse(null);
                            boolean declared = role != null;
                            // Not declared: Keycloak creates it at import with offline_access and uma_authorization.
                            boolean offline = !declared
                                    || role.getComposites() != null
                                            && role.getComposites().getRealm() != null
                                            && role.getComposites().getRealm().contains("offline_access");
                            if (offline) {
                                out.report(
                                        "role:" + name,
                                        declared ? rolePath(realm, name) : "$",
                                        declared
                                                ? "default role includes offline_access"
                                                : "default role not declared: Keycloak's default includes offline_access");
                            }
                        }));
    }

    private static String rolePath(AuditedRealm realm, String name) {
        return realm.declaredRealmRoles().stream()
                .filter(r -> name.equals(r.value().getName()))
                .map(AuditedRealm.Indexed::path)
                .findFirst()
                .orElse("$.roles.realm");
    }
}
