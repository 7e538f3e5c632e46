package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.KeycloakCluster;
import dev.apiguard.keycloak.it.support.KeycloakClusterExtension;
import dev.apiguard.keycloak.it.support.Oidc;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits hold for the cluster, not per node: two Keycloak nodes on one PostgreSQL, requests
 * spread over both, a limit of 20 at once and 2 per second; per-node buckets would admit about
 * twice as many. Then with one node stopped the other still holds the limit, and with one node
 * frozen (the shared state failing for real) the other decides with its share without waiting.
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
    void clientLimitWhenTheOtherNodeFreezesThenOneRequestWaitsTheRestAreDecidedAtOnceWithThisNodesShare(
            KeycloakCluster cluster) {
        // A frozen node (a long GC pause, a hung VM) stays in the cluster view until failure detection
        // drops it (about 40 s): until then each write to the actionTokens cache waits 15 s for its
        // acknowledgement and fails. Node 1 must not make every request wait for that.
        String secret = Oidc.randomSecret();
        String realm = createRealm(cluster, secret);
        assertThat(clientCredentials(cluster.node(1), realm, secret).statusCode())
                .isEqualTo(200);
        List<String> answers = new ArrayList<>();
        int slow = 0;
        int admitted = 0;
        Set<String> policiesDuringFreeze = new HashSet<>();
        long start;
        long firstAnswered;
        cluster.node(2).freeze();
        try {
            start = System.nanoTime();
            firstAnswered = start;
            for (int i = 0; i < 30; i++) {
                long sent = System.nanoTime();
                Response response = clientCredentials(cluster.node(1), realm, secret);
                long millis = (System.nanoTime() - sent) / 1_000_000;
                answers.add(response.statusCode() + " in " + millis + " ms");
                assertThat(response.statusCode())
                        .as("answers so far: %s", answers)
                        .isIn(200, 429);
                slow += millis > 5_000 ? 1 : 0;
                if (i == 0) {
                    firstAnswered = System.nanoTime();
                } else {
                    admitted += response.statusCode() == 200 ? 1 : 0;
                    policiesDuringFreeze.add(response.header("RateLimit-Policy"));
                }
            }
        } finally {
            cluster.node(2).thaw();
        }
        double seconds = (System.nanoTime() - firstAnswered) / 1e9;
        try {
            assertThat(slow)
                    .as(
                            "requests that waited for the frozen node: only the one in flight when the store failed (%s)",
                            answers)
                    .isLessThanOrEqualTo(1);
            assertThat(policiesDuringFreeze)
                    .as("after the failure node 1 states its 1/2 share of capacity 20")
                    .containsOnly("\"clients\";q=10;w=10");
            double share = 10 + 1 * seconds + 1;
            assertThat(admitted)
                    .as(
                            "admitted by node 1 alone in %.1f s after the failure (its share: %.1f): %s",
                            seconds, share, answers)
                    .isLessThanOrEqualTo((int) Math.floor(share * 1.05))
                    .isPositive();
            assertThat(answers).as("node 1 refuses beyond its share").anyMatch(a -> a.startsWith("429"));
            assertThat(cluster.node(1).log())
                    .contains("Shared rate-limit state is unreachable")
                    .contains("this node limits with its own buckets at a 1/2 share of each limit");

            // Node 2 answers again: a background retry closes the breaker and the cluster's limit is back.
            awaitTrue(
                    () -> "\"clients\";q=20;w=10"
                            .equals(clientCredentials(cluster.node(1), realm, secret)
                                    .header("RateLimit-Policy")),
                    "node 1 back on the shared state (full limit in RateLimit-Policy)");
        } finally {
            if (cluster.clusterView(1).size() < 2) {
                // Failure detection dropped the frozen node after all: start it again for the next tests.
                cluster.stopNode(2);
                cluster.startNode(2);
            }
            deleteRealm(cluster, realm);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what + " within 60 s").isTrue();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
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
