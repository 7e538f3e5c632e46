package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.KeycloakCluster;
import dev.apiguard.keycloak.it.support.KeycloakClusterExtension;
import dev.apiguard.keycloak.it.support.Oidc;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits hold for the cluster, not per node: two Keycloak nodes on one PostgreSQL, requests
 * spread over both, a limit of 20 at once and 2 per second; per-node buckets would admit about
 * twice as many. Then with one node stopped the other still holds the limit.
 */
class RateLimitClusterIT {

    @RegisterExtension
    static final KeycloakClusterExtension CLUSTER = KeycloakClusterExtension.shared();

    private static final String DOCUMENT = """
            {"apiVersion": "apiguard/v1",
             "rules": [{"name": "clients", "key": "client", "capacity": 20, "rate": "2/s", "endpoints": ["token"]}]}""";

    @Test
    void clientLimitWhenRequestsAreSpreadOverBothNodesThenTheClusterAdmitsAtMostTheLimitPlus5Percent(
            KeycloakCluster cluster) {
        String secret = Oidc.randomSecret();
        String realm = createRealm(cluster, secret);
        try {
            long start = System.nanoTime();
            int admitted = 0;
            int refused = 0;
            for (int i = 0; i < 120; i++) {
                int status = clientCredentials(cluster.node(1 + i % 2), realm, secret)
                        .statusCode();
                assertThat(status).isIn(200, 429);
                admitted += status == 200 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            double limit = 20 + 2 * seconds + 1;
            assertThat(admitted)
                    .as("admitted in %.1f s over two nodes (limit %.1f)", seconds, limit)
                    .isLessThanOrEqualTo((int) Math.floor(limit * 1.05))
                    .isGreaterThanOrEqualTo(20);
            assertThat(refused).isPositive();
            for (int node = 1; node <= 2; node++) {
                assertThat(cluster.node(node).log())
                        .as("node %d reads the cluster's size for the fallback share (kc/Cluster)", node)
                        .containsPattern("Rate-limit document version [0-9a-f]{16} of realm '" + realm
                                + "': cluster view of 2 members on this node; if the shared state fails, this node "
                                + "applies a 1/2 share of each limit");
            }
        } finally {
            deleteRealm(cluster, realm);
        }
    }

    @Test
    void clientLimitWhenOneNodeIsStoppedThenTheOtherStillHoldsIt(KeycloakCluster cluster) {
        String secret = Oidc.randomSecret();
        String realm = createRealm(cluster, secret);
        try {
            cluster.stopNode(2);
            long start = System.nanoTime();
            int admitted = 0;
            for (int i = 0; i < 60; i++) {
                int status = clientCredentials(cluster.node(1), realm, secret).statusCode();
                assertThat(status).isIn(200, 429);
                admitted += status == 200 ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            double limit = 20 + 2 * seconds + 1;
            assertThat(admitted)
                    .as("admitted in %.1f s by node 1 alone (limit %.1f)", seconds, limit)
                    .isLessThanOrEqualTo((int) Math.floor(limit * 1.05))
                    .isGreaterThanOrEqualTo(20);
        } finally {
            if (!cluster.node(2).isRunning()) {
                cluster.startNode(2);
            }
            deleteRealm(cluster, realm);
        }
    }

    @Test
    void clientLimitWhenTheOtherNodeFreezesThenAnswersStayPromptAndTheNodeShareHolds(KeycloakCluster cluster) {
        String secret = Oidc.randomSecret();
        String realm = createRealm(cluster, secret);
        // Warm: node 1 has claimed from the shared state before node 2 freezes.
        assertThat(clientCredentials(cluster.node(1), realm, secret).statusCode())
                .isEqualTo(200);
        List<String> seen = new java.util.ArrayList<>();
        cluster.node(2).freeze();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                long t0 = System.nanoTime();
                int status = clientCredentials(cluster.node(1), realm, secret).statusCode();
                seen.add(status + "@" + (System.nanoTime() - t0) / 1_000_000 + "ms");
            }
            System.out.println(
                    "FREEZE EXPERIMENT: " + seen + " total " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } finally {
            cluster.node(2).thaw();
            deleteRealm(cluster, realm);
        }
        System.out.println("FREEZE LOG node1: "
                + cluster.node(1)
                        .log()
                        .lines()
                        .filter(l -> l.contains("ERROR") || l.contains("WARN"))
                        .toList());
    }

    private static String createRealm(KeycloakCluster cluster, String secret) {
        String realm = "it-rlc-" + UUID.randomUUID().toString().substring(0, 8);
        Oidc admin = cluster.node(1).oidc();
        admin.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "realm",
                        realm,
                        "enabled",
                        true,
                        "clients",
                        List.of(Map.of(
                                "clientId",
                                "busy",
                                "publicClient",
                                false,
                                "secret",
                                secret,
                                "serviceAccountsEnabled",
                                true,
                                "standardFlowEnabled",
                                false))))
                .post(cluster.node(1).baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
        Response saved = admin.asAdmin()
                .contentType("application/json")
                .body(DOCUMENT)
                .put(cluster.node(1).baseUrl() + "/admin/realms/" + realm + "/apiguard/v1/rate-limits");
        assertThat(saved.statusCode()).as("PUT: %s", saved.asString()).isEqualTo(200);
        // Both nodes serve the realm before the burst starts (the second reads it from the database).
        for (KeycloakCluster.Node node : cluster.nodes()) {
            assertThat(node.oidc()
                            .request()
                            .get(node.realmUrl(realm) + "/.well-known/openid-configuration")
                            .statusCode())
                    .isEqualTo(200);
        }
        return realm;
    }

    private static void deleteRealm(KeycloakCluster cluster, String realm) {
        cluster.node(1).oidc().asAdmin().delete(cluster.node(1).baseUrl() + "/admin/realms/" + realm);
    }

    private static Response clientCredentials(KeycloakCluster.Node node, String realm, String secret) {
        return node.oidc()
                .request()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "busy")
                .formParam("client_secret", secret)
                .post(node.oidc().tokenEndpoint(realm));
    }
}
