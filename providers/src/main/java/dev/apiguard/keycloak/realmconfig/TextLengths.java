package dev.apiguard.keycloak.realmconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * Names and descriptions longer than Keycloak's database columns hold. Keycloak's schema (its
 * Liquibase changelogs in {@code keycloak-model-jpa}) keeps 255 characters for the names and
 * descriptions of roles, clients, client scopes and groups and for a client's id; the import does
 * not check them, and a longer value stops Keycloak at start-up with a database error ({@code Value
 * too long for column}, seen on 26.7.0 with a role description of 256 characters). Reported here
 * instead, with the place and the length, never the value.
 *
 * <p>Lengths count UTF-16 units ({@link String#length}), which is at least the number of
 * characters any of Keycloak's databases counts: a value that passes here fits everywhere.
 */
final class TextLengths {

    /** The columns' size: {@code VARCHAR(255)} or {@code NVARCHAR(255)} in Keycloak 26's schema. */
    static final int MAX = 255;

    private TextLengths() {}

    static List<String> problems(RealmRepresentation realm) {
        List<String> problems = new ArrayList<>();
        if (realm.getRoles() != null) {
            roles(problems, "roles.realm", realm.getRoles().getRealm());
            if (realm.getRoles().getClient() != null) {
                for (Map.Entry<String, List<RoleRepresentation>> client :
                        realm.getRoles().getClient().entrySet()) {
                    String clientId = client.getKey();
                    roles(
                            problems,
                            clientId != null && clientId.length() > MAX
                                    ? "roles.client[(a client id of " + clientId.length() + " characters)]"
                                    : "roles.client[" + clientId + "]",
                            client.getValue());
                }
            }
        }
        each(realm.getClients(), "clients", "clientId", ClientRepresentation::getClientId, (where, client) -> {
            check(problems, where, "clientId", client.getClientId());
            check(problems, where, "name", client.getName());
            check(problems, where, "description", client.getDescription());
        });
        each(realm.getClientScopes(), "clientScopes", "name", ClientScopeRepresentation::getName, (where, scope) -> {
            check(problems, where, "name", scope.getName());
            check(problems, where, "description", scope.getDescription());
        });
        groups(problems, "groups", realm.getGroups());
        return problems;
    }

    private static void roles(List<String> problems, String list, List<RoleRepresentation> roles) {
        each(roles, list, "name", RoleRepresentation::getName, (where, role) -> {
            check(problems, where, "name", role.getName());
            check(problems, where, "description", role.getDescription());
        });
    }

    private static void groups(List<String> problems, String list, List<GroupRepresentation> groups) {
        each(groups, list, "name", GroupRepresentation::getName, (where, group) -> {
            check(problems, where, "name", group.getName());
            check(problems, where, "description", group.getDescription());
            groups(problems, where + ".subGroups", group.getSubGroups());
        });
    }

    /** Runs {@code checks} on every element of {@code items} that is there, with its place ({@link #place}). */
    private static <T> void each(
            List<T> items, String list, String key, Function<T, String> nameOf, BiConsumer<String, T> checks) {
        if (items == null) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            if (item != null) {
                checks.accept(place(list, key, i, nameOf.apply(item)), item);
            }
        }
    }

    /** {@code list[key=x]} when the name is there and short enough to quote, else {@code list[i]}. */
    private static String place(String list, String key, int index, String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX
                ? list + "[" + key + "=" + name + "]"
                : list + "[" + index + "]";
    }

    private static void check(List<String> problems, String where, String field, String value) {
        if (value != null && value.length() > MAX) {
            problems.add(String.format(
                    "%s.%s is %d characters long; Keycloak's database holds at most %d (the import would fail)",
                    where, field, value.length(), MAX));
        }
    }
}
