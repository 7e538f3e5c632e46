package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code 'role' in user.realmRoles} is answered by Keycloak's membership check ({@code UserModel.hasRole}), without
 * building the user's role list; {@code user.realmRoles.exists(r, r == 'role')} builds the list (the interpreter
 * iterates it). Both must give what the role graph says, for every user and every name, on the real server.
 *
 * <p>Each seed makes a realm with a random role graph: realm roles with composites (realm and client roles), client
 * roles with composites of realm roles (one client role has a realm role's name), groups with subgroups, and realm and
 * client role mappings on groups and users; the default roles hold one more random role. The expected realm roles of
 * each user are computed here, from the graph alone. Then the realm's scope-policy document gets two protected scopes
 * per name, one for each form of the condition, and the explain endpoint (which builds the same input as a token
 * request) decides each for each user.
 */
@ExtendWith(SharedServerExtension.class)
class AbacRealmRolesIT {

    private static final int REALM_ROLES = 12;
    private static final int CLIENT_ROLES = 4;
    private static final int GROUPS = 6;
    private static final int USERS = 8;
    private static final String CLIENT = "it-api";

    /** Parent of each group (-1: top level); every group's parent comes before it. */
    private static final int[] PARENT = {-1, -1, 0, 2, 1, -1};

    @ParameterizedTest
    @ValueSource(longs = {0x5eed_0001L, 0x5eed_0002L})
    void decideWhenTheConditionAsksForOneRealmRoleThenTheMembershipCheckAndTheBuiltListAgreeWithTheGraph(
            long seed, ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        Graph graph = Graph.random(new Random(seed));
        String realm = "it-abac-roles-" + Long.toHexString(seed);
        String realmUrl = server.baseUrl() + "/admin/realms/" + realm;
        admin(oidc).delete(realmUrl);
        admin(oidc)
                .contentType("application/json")
                .body(graph.realm(realm))
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
        try {
            // The default roles get one more random role: users created from now on hold it.
            admin(oidc)
                    .contentType("application/json")
                    .body(List.of(role(oidc, realmUrl, "r" + graph.defaultRole)))
                    .post(realmUrl + "/roles/default-roles-" + realm + "/composites")
                    .then()
                    .statusCode(204);
            String clientUuid = admin(oidc)
                    .queryParam("clientId", CLIENT)
                    .get(realmUrl + "/clients")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getString("[0].id");
            for (int user = 0; user < USERS; user++) {
                createUser(oidc, realmUrl, clientUuid, graph, user);
            }
            List<String> names = new ArrayList<>();
            for (int role = 0; role < REALM_ROLES; role++) {
                names.add("r" + role);
            }
            // Keycloak's own realm roles, a name no role has, a realm role's name in upper case, a client role's name.
            names.addAll(
                    List.of("default-roles-" + realm, "offline_access", "uma_authorization", "nobody", "R1", "c0"));
            admin(oidc)
                    .contentType("application/json")
                    .body(document(names))
                    .put(realmUrl + "/apiguard/v1/policies")
                    .then()
                    .statusCode(200);

            for (int user = 0; user < USERS; user++) {
                Set<String> expected = graph.effectiveRealmRoles(user, realm);
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(i);
                    String want = expected.contains(name) ? "permit" : "deny";
                    String what = "seed " + Long.toHexString(seed) + ", user user-" + user + " (realm roles " + expected
                            + "), name '" + name + "'";
                    assertThat(decision(oidc, realmUrl, "user-" + user, "member-" + i))
                            .as("'%s' in user.realmRoles for %s", name, what)
                            .isEqualTo(want);
                    assertThat(decision(oidc, realmUrl, "user-" + user, "listed-" + i))
                            .as("user.realmRoles.exists(r, r == '%s') for %s", name, what)
                            .isEqualTo(want);
                }
            }
        } finally {
            admin(oidc).delete(realmUrl);
        }
    }

    private static String adminToken;
    private static long adminTokenSince;

    /**
     * An admin request with a token reused for 20 seconds (a master-realm access token lives 60): a password grant
     * per request would make this test a benchmark of password hashing.
     */
    private static io.restassured.specification.RequestSpecification admin(Oidc oidc) {
        if (adminToken == null || System.nanoTime() - adminTokenSince > 20_000_000_000L) {
            adminToken = oidc.masterAdminToken();
            adminTokenSince = System.nanoTime();
        }
        return oidc.request().auth().oauth2(adminToken);
    }

    private static String decision(Oidc oidc, String realmUrl, String user, String scope) {
        return admin(oidc)
                .contentType("application/json")
                .body(Map.of("user", user, "client", CLIENT, "scope", scope))
                .post(realmUrl + "/apiguard/v1/policies/explain")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("decision");
    }

    /** Two protected scopes per name: {@code member-i} asks by {@code in}, {@code listed-i} by the exists macro. */
    private static Map<String, Object> document(List<String> names) {
        List<String> scopes = new ArrayList<>();
        List<Map<String, Object>> policies = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            scopes.add("member-" + i);
            scopes.add("listed-" + i);
            policies.add(permit("member-" + i, "'" + name + "' in user.realmRoles"));
            policies.add(permit("listed-" + i, "user.realmRoles.exists(r, r == '" + name + "')"));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "apiguard/v1");
        document.put("protectedScopes", scopes);
        document.put("policies", policies);
        return document;
    }

    private static Map<String, Object> permit(String scope, String condition) {
        return Map.of("name", scope + "-policy", "scopes", List.of(scope), "effect", "permit", "condition", condition);
    }

    private static void createUser(Oidc oidc, String realmUrl, String clientUuid, Graph graph, int user) {
        List<String> groups = new ArrayList<>();
        for (int group : graph.userGroups.get(user)) {
            groups.add(graph.groupPath(group));
        }
        String location = admin(oidc)
                .contentType("application/json")
                .body(Map.of("username", "user-" + user, "enabled", true, "groups", groups))
                .post(realmUrl + "/users")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(201)
                .extract()
                .header("Location");
        String userUrl = realmUrl + "/users/" + location.substring(location.lastIndexOf('/') + 1);
        List<Map<String, Object>> realmRoles = new ArrayList<>();
        for (int role : graph.userRealmRoles.get(user)) {
            realmRoles.add(role(oidc, realmUrl, "r" + role));
        }
        if (!realmRoles.isEmpty()) {
            admin(oidc)
                    .contentType("application/json")
                    .body(realmRoles)
                    .post(userUrl + "/role-mappings/realm")
                    .then()
                    .statusCode(204);
        }
        List<Map<String, Object>> clientRoles = new ArrayList<>();
        for (int role : graph.userClientRoles.get(user)) {
            clientRoles.add(admin(oidc)
                    .get(realmUrl + "/clients/" + clientUuid + "/roles/" + graph.clientRoleName(role))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getMap("$"));
        }
        if (!clientRoles.isEmpty()) {
            admin(oidc)
                    .contentType("application/json")
                    .body(clientRoles)
                    .post(userUrl + "/role-mappings/clients/" + clientUuid)
                    .then()
                    .statusCode(204);
        }
    }

    private static Map<String, Object> role(Oidc oidc, String realmUrl, String name) {
        return admin(oidc)
                .get(realmUrl + "/roles/" + name)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
    }

    /**
     * A random role graph and its expected closure. Realm role {@code ri} may be a composite of realm roles
     * {@code rj} (j > i, so no cycle) and of client roles; client role {@code ck} (the last is named {@code r3}, a
     * realm role's name) may be a composite of realm roles.
     */
    private record Graph(
            List<List<Integer>> realmComposites,
            List<List<Integer>> realmClientComposites,
            List<List<Integer>> clientComposites,
            List<List<Integer>> groupRealmRoles,
            List<List<Integer>> groupClientRoles,
            List<List<Integer>> userRealmRoles,
            List<List<Integer>> userClientRoles,
            List<List<Integer>> userGroups,
            int defaultRole) {

        static Graph random(Random random) {
            List<List<Integer>> realmComposites = new ArrayList<>();
            List<List<Integer>> realmClientComposites = new ArrayList<>();
            for (int role = 0; role < REALM_ROLES; role++) {
                realmComposites.add(pick(random, role + 1, REALM_ROLES, 0.2));
                realmClientComposites.add(pick(random, 0, CLIENT_ROLES, 0.1));
            }
            List<List<Integer>> clientComposites = new ArrayList<>();
            for (int role = 0; role < CLIENT_ROLES; role++) {
                clientComposites.add(pick(random, 0, REALM_ROLES, 0.15));
            }
            List<List<Integer>> groupRealmRoles = new ArrayList<>();
            List<List<Integer>> groupClientRoles = new ArrayList<>();
            for (int group = 0; group < GROUPS; group++) {
                groupRealmRoles.add(pick(random, 0, REALM_ROLES, 0.15));
                groupClientRoles.add(pick(random, 0, CLIENT_ROLES, 0.2));
            }
            List<List<Integer>> userRealmRoles = new ArrayList<>();
            List<List<Integer>> userClientRoles = new ArrayList<>();
            List<List<Integer>> userGroups = new ArrayList<>();
            for (int user = 0; user < USERS; user++) {
                // The first user holds nothing of their own: only the default roles.
                double p = user == 0 ? 0 : 1;
                userRealmRoles.add(pick(random, 0, REALM_ROLES, 0.15 * p));
                userClientRoles.add(pick(random, 0, CLIENT_ROLES, 0.2 * p));
                userGroups.add(pick(random, 0, GROUPS, 0.25 * p));
            }
            return new Graph(
                    realmComposites,
                    realmClientComposites,
                    clientComposites,
                    groupRealmRoles,
                    groupClientRoles,
                    userRealmRoles,
                    userClientRoles,
                    userGroups,
                    random.nextInt(REALM_ROLES));
        }

        private static List<Integer> pick(Random random, int from, int to, double p) {
            List<Integer> picked = new ArrayList<>();
            for (int i = from; i < to; i++) {
                if (random.nextDouble() < p) {
                    picked.add(i);
                }
            }
            return picked;
        }

        String clientRoleName(int role) {
            return role == CLIENT_ROLES - 1 ? "r3" : "c" + role;
        }

        String groupPath(int group) {
            return (PARENT[group] < 0 ? "" : groupPath(PARENT[group])) + "/g" + group;
        }

        /** The names of the realm roles user {@code user} holds, directly, by default, by group or by composite. */
        Set<String> effectiveRealmRoles(int user, String realm) {
            // Nodes: realm role i is i, client role k is REALM_ROLES + k.
            Deque<Integer> pending = new ArrayDeque<>();
            Set<String> names = new TreeSet<>(List.of("default-roles-" + realm, "offline_access", "uma_authorization"));
            pending.add(defaultRole);
            userRealmRoles.get(user).forEach(pending::add);
            userClientRoles.get(user).forEach(role -> pending.add(REALM_ROLES + role));
            for (int group : userGroups.get(user)) {
                for (int g = group; g >= 0; g = PARENT[g]) {
                    groupRealmRoles.get(g).forEach(pending::add);
                    for (int role : groupClientRoles.get(g)) {
                        pending.add(REALM_ROLES + role);
                    }
                }
            }
            Set<Integer> seen = new java.util.HashSet<>();
            while (!pending.isEmpty()) {
                int node = pending.pop();
                if (!seen.add(node)) {
                    continue;
                }
                if (node < REALM_ROLES) {
                    names.add("r" + node);
                    realmComposites.get(node).forEach(pending::add);
                    realmClientComposites.get(node).forEach(role -> pending.add(REALM_ROLES + role));
                } else {
                    clientComposites.get(node - REALM_ROLES).forEach(pending::add);
                }
            }
            return names;
        }

        /** The realm's representation: roles with their composites, the client and its roles, the groups. */
        Map<String, Object> realm(String name) {
            List<Map<String, Object>> realmRoles = new ArrayList<>();
            for (int role = 0; role < REALM_ROLES; role++) {
                Map<String, Object> composites = new HashMap<>();
                if (!realmComposites.get(role).isEmpty()) {
                    composites.put(
                            "realm",
                            realmComposites.get(role).stream().map(r -> "r" + r).toList());
                }
                if (!realmClientComposites.get(role).isEmpty()) {
                    composites.put(
                            "client",
                            Map.of(
                                    CLIENT,
                                    realmClientComposites.get(role).stream()
                                            .map(this::clientRoleName)
                                            .toList()));
                }
                realmRoles.add(roleRepresentation("r" + role, composites));
            }
            List<Map<String, Object>> clientRoles = new ArrayList<>();
            for (int role = 0; role < CLIENT_ROLES; role++) {
                Map<String, Object> composites = new HashMap<>();
                if (!clientComposites.get(role).isEmpty()) {
                    composites.put(
                            "realm",
                            clientComposites.get(role).stream()
                                    .map(r -> "r" + r)
                                    .toList());
                }
                clientRoles.add(roleRepresentation(clientRoleName(role), composites));
            }
            Map<String, Object> realm = new LinkedHashMap<>();
            realm.put("realm", name);
            realm.put("enabled", true);
            realm.put("roles", Map.of("realm", realmRoles, "client", Map.of(CLIENT, clientRoles)));
            realm.put(
                    "clients",
                    List.of(Map.of(
                            "clientId",
                            CLIENT,
                            "publicClient",
                            false,
                            "secret",
                            Oidc.randomSecret(),
                            "standardFlowEnabled",
                            false,
                            "directAccessGrantsEnabled",
                            false)));
            realm.put("groups", groups(-1));
            return realm;
        }

        private List<Map<String, Object>> groups(int parent) {
            List<Map<String, Object>> groups = new ArrayList<>();
            for (int group = 0; group < GROUPS; group++) {
                if (PARENT[group] != parent) {
                    continue;
                }
                Map<String, Object> representation = new LinkedHashMap<>();
                representation.put("name", "g" + group);
                representation.put(
                        "realmRoles",
                        groupRealmRoles.get(group).stream().map(r -> "r" + r).toList());
                representation.put(
                        "clientRoles",
                        Map.of(
                                CLIENT,
                                groupClientRoles.get(group).stream()
                                        .map(this::clientRoleName)
                                        .toList()));
                representation.put("subGroups", groups(group));
                groups.add(representation);
            }
            return groups;
        }

        private static Map<String, Object> roleRepresentation(String name, Map<String, Object> composites) {
            Map<String, Object> role = new LinkedHashMap<>();
            role.put("name", name);
            role.put("composite", !composites.isEmpty());
            if (!composites.isEmpty()) {
                role.put("composites", composites);
            }
            return role;
        }
    }
}
