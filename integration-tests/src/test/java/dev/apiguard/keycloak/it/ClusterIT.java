package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static dev.apiguard.keycloak.it.support.Oidc.SPA_REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.AuditLines;
import dev.apiguard.keycloak.it.support.KeycloakCluster;
import dev.apiguard.keycloak.it.support.KeycloakClusterExtension;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.Oidc.Pkce;
import dev.apiguard.keycloak.it.support.WebhookReceiver;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Keycloak nodes in production mode on one PostgreSQL form a real cluster: one Infinispan
 * view, one realm, one set of keys, tokens of one node accepted by the other, admin changes seen
 * at once, the baseline's memory of PKCE challenges shared, and one audit outbox written by both
 * and delivered to the webhook by either.
 */
class ClusterIT {

    @RegisterExtension
    static final KeycloakClusterExtension CLUSTER = KeycloakClusterExtension.shared();

    @Test
    void clusterWhenStartedThenBothNodesAreReadyAndMembersOfOneView(KeycloakCluster cluster) {
        for (KeycloakCluster.Node node : cluster.nodes()) {
            Response health = node.oidc().request().get(node.managementUrl() + "/health/ready");
            assertThat(health.statusCode())
                    .as("readiness of node %d", node.number())
                    .isEqualTo(200);
            assertThat(health.jsonPath().getString("status")).isEqualTo("UP");
        }

        List<String> viewOfOne = cluster.clusterView(1);
        List<String> viewOfTwo = cluster.clusterView(2);

        assertThat(viewOfOne).hasSize(2);
        assertThat(viewOfTwo).containsExactlyInAnyOrderElementsOf(viewOfOne);
        assertThat(cluster.node(1).baseUrl()).isNotEqualTo(cluster.node(2).baseUrl());
    }

    @Test
    void demoRealmWhenImportedThroughNodeOneThenServedByBothWithOneIssuer(KeycloakCluster cluster) {
        String expectedIssuer = cluster.hostname() + "/realms/" + DEMO_REALM;

        for (KeycloakCluster.Node node : cluster.nodes()) {
            Response discovery =
                    node.oidc().request().get(node.realmUrl(DEMO_REALM) + "/.well-known/openid-configuration");
            assertThat(discovery.statusCode())
                    .as("discovery on node %d", node.number())
                    .isEqualTo(200);
            assertThat(discovery.jsonPath().getString("issuer")).isEqualTo(expectedIssuer);
            // Back-channel URLs follow the request, so a client of this node stays on it.
            assertThat(discovery.jsonPath().getString("token_endpoint"))
                    .startsWith(node.baseUrl() + "/realms/" + DEMO_REALM);
            Response realm = node.oidc().asAdmin().get(node.oidc().adminUrl(""));
            assertThat(realm.statusCode()).isEqualTo(200);
            assertThat(realm.jsonPath().getString("realm")).isEqualTo(DEMO_REALM);
        }
    }

    @Test
    void jwksWhenFetchedFromEachNodeThenTheSameKeys(KeycloakCluster cluster) throws Exception {
        JWKSet one = jwks(cluster.node(1));
        JWKSet two = jwks(cluster.node(2));

        assertThat(one.getKeys()).isNotEmpty();
        assertThat(withoutCertificates(two)).isEqualTo(withoutCertificates(one));
    }

    @Test
    void tokenWhenIssuedByNodeOneThenNodeTwoAcceptsIt(KeycloakCluster cluster) throws Exception {
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String token = one.demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        Response introspection = introspect(cluster.node(2), token);
        JWTClaimsSet verified = two.verify(DEMO_REALM, token);

        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(introspection.jsonPath().getBoolean("active")).isTrue();
        assertThat(introspection.jsonPath().getString("client_id")).isEqualTo(Oidc.SERVICE_CLIENT);
        assertThat(introspection.jsonPath().getString("iss")).isEqualTo(cluster.hostname() + "/realms/" + DEMO_REALM);
        assertThat(verified.getIssuer()).isEqualTo(cluster.hostname() + "/realms/" + DEMO_REALM);
        String tokenOfTwo = two.demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        assertThat(SignedJWT.parse(tokenOfTwo).getJWTClaimsSet().getIssuer()).isEqualTo(verified.getIssuer());
        assertThat(introspect(cluster.node(2), token.substring(0, token.length() - 4) + "AAAA")
                        .jsonPath()
                        .getBoolean("active"))
                .as("a token with a broken signature, the control")
                .isFalse();
    }

    @Test
    void clientWhenCreatedThroughNodeOneThenNodeTwoServesItAtOnce(KeycloakCluster cluster) {
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String clientId = "it-cluster-" + Oidc.randomSecret().substring(0, 8).toLowerCase();
        assertThat(two.clientExists(clientId)).as("node 2 before the change").isFalse();

        one.createServiceClient(clientId);

        assertThat(two.clientExists(clientId))
                .as("node 2 right after the change on node 1")
                .isTrue();
        String secret = one.clientSecret(clientId);
        Response token = two.clientCredentials(clientId, secret, null);
        assertThat(token.statusCode())
                .as("client credentials of the new client at node 2")
                .isEqualTo(200);
        assertThat(token.jsonPath().getString("access_token")).isNotBlank();
    }

    @Test
    void clientWhenDisabledThroughNodeOneThenNodeTwoRefusesItAtOnce(KeycloakCluster cluster) {
        // Node 2 has the client in its realm cache after a grant; only the cluster's invalidation
        // of that cache entry makes it see the change made through node 1.
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String clientId = "it-cluster-" + Oidc.randomSecret().substring(0, 8).toLowerCase();
        one.createServiceClient(clientId);
        String clientUrl = one.clientUrl(clientId);
        String secret = one.asAdmin()
                .get(clientUrl + "/client-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("value");
        two.clientCredentials(clientId, secret, null).then().statusCode(200);
        Map<String, Object> representation = one.asAdmin()
                .get(clientUrl)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        representation.put("enabled", false);

        one.asAdmin()
                .contentType("application/json")
                .body(representation)
                .put(clientUrl)
                .then()
                .statusCode(204);

        Response refused = two.clientCredentials(clientId, secret, null);
        assertThat(refused.statusCode())
                .as("grant at node 2 for the client disabled through node 1")
                .isEqualTo(401);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("invalid_client");
    }

    @Test
    void auditWhenGrantsOnBothNodesThenOneOutboxOnPostgresHoldsEachOnceSeenFromEitherNode(KeycloakCluster cluster)
            throws Exception {
        // The demo realm lists the apiguard-audit listener: each grant writes its outbox row in its own
        // transaction, on PostgreSQL here, whichever node serves it.
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String clientId =
                "it-cluster-audit-" + Oidc.randomSecret().substring(0, 8).toLowerCase();
        one.createServiceClient(clientId);
        String secret = one.clientSecret(clientId);
        List<String> tokenIds = new ArrayList<>();
        for (Oidc node : List.of(one, two, one, two)) {
            String token = node.clientCredentials(clientId, secret, null)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("access_token");
            tokenIds.add(SignedJWT.parse(token).getJWTClaimsSet().getJWTID());
        }

        for (KeycloakCluster.Node node : cluster.nodes()) {
            List<Map<String, Object>> records = node.oidc()
                    .asAdmin()
                    .queryParam("action", "client-login")
                    .queryParam("outcome", "success")
                    .queryParam("max", "500")
                    .get(node.oidc().adminUrl("/apiguard/v1/audit"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("records");
            List<Object> recorded = records.stream()
                    .map(r -> (Map<?, ?>) r.get("keycloak"))
                    .filter(keycloak -> clientId.equals(keycloak.get("client_id")))
                    .<Object>map(keycloak -> ((Map<?, ?>) keycloak.get("details")).get("token_id"))
                    .toList();
            assertThat(recorded)
                    .as("the grants of this client as node %d's audit endpoint reads the outbox", node.number())
                    .containsExactlyInAnyOrderElementsOf(tokenIds);
        }
    }

    @Test
    void auditWebhookWhenGrantsOnBothNodesAtOnceThenEveryRecordArrivesAndWithANodeStoppedTheOtherDelivers(
            KeycloakCluster cluster, WebhookReceiver webhook) throws Exception {
        // Both nodes run a dispatcher for the one webhook sink; the cursor's row lock lets one at a time
        // deliver. Grants sent to both nodes at once commit out of outbox order (gaps the cursor waits for).
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String clientId =
                "it-cluster-webhook-" + Oidc.randomSecret().substring(0, 8).toLowerCase();
        one.createServiceClient(clientId);
        String secret = one.clientSecret(clientId);
        // The demo realm's standard tier admits 10 grants at once for a new client: 8 now, 2 later.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> grants = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Oidc node = i % 2 == 0 ? one : two;
                grants.add(pool.submit(() -> tokenId(node.clientCredentials(clientId, secret, null))));
            }
            List<String> tokenIds = new ArrayList<>();
            for (Future<String> grant : grants) {
                tokenIds.add(grant.get(60, TimeUnit.SECONDS));
            }
            awaitDelivered(webhook, tokenIds, "the grants served by both nodes at once");

            cluster.stopNode(1);
            try {
                List<String> later = List.of(
                        tokenId(two.clientCredentials(clientId, secret, null)),
                        tokenId(two.clientCredentials(clientId, secret, null)));
                awaitDelivered(webhook, later, "the grants node 2 served while node 1 was stopped");
            } finally {
                cluster.startNode(1);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(webhook.badSignatures()).as("requests with a bad signature").isZero();
        Map<Object, List<Map<String, Object>>> byId =
                webhook.records().stream().collect(Collectors.groupingBy(r -> ((Map<?, ?>) r.get("event")).get("id")));
        assertThat(byId.values())
                .as("at least once: a record delivered twice (a node redelivering past a gap) is the same record")
                .allSatisfy(copies -> assertThat(Set.copyOf(copies)).hasSize(1));
        for (KeycloakCluster.Node node : cluster.nodes()) {
            List<Map<String, Object>> sinks = node.oidc()
                    .asAdmin()
                    .queryParam("max", "1")
                    .get(node.oidc().adminUrl("/apiguard/v1/audit"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("sinks");
            assertThat(sinks)
                    .as("node %d's webhook sink", node.number())
                    .singleElement()
                    .satisfies(sink ->
                            assertThat(sink).containsEntry("name", "webhook").doesNotContainEntry("state", "failing"));
        }
    }

    /** Waits until the webhook received the record of each token (its {@code keycloak.details.token_id}). */
    private static void awaitDelivered(WebhookReceiver webhook, List<String> tokenIds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<Object> delivered = Set.of();
        while (System.nanoTime() < deadline) {
            delivered = webhook.records().stream()
                    .<Object>map(AuditLines::tokenId)
                    .filter(java.util.Objects::nonNull)
                    .collect(Collectors.toSet());
            if (delivered.containsAll(tokenIds)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        assertThat(delivered)
                .as("token ids of the records at the webhook: " + what)
                .containsAll(tokenIds);
    }

    private static String tokenId(Response grant) throws java.text.ParseException {
        String token = grant.then().statusCode(200).extract().path("access_token");
        return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    }

    @Test
    void authorizeWhenNodeTwoGetsTheChallengeNodeOneSawThenInvalidRequest(KeycloakCluster cluster) {
        Oidc one = cluster.node(1).oidc();
        Oidc two = cluster.node(2).oidc();
        String challenge = Pkce.create().challenge();
        one.authorize(Oidc.codeRequest("openid", challenge)).then().statusCode(200);
        Map<String, String> second = Oidc.codeRequest("openid", challenge);

        Response response = two.authorize(second);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.getHeader("Location")).startsWith(SPA_REDIRECT_URI);
        Map<String, String> callback = Oidc.queryOf(response.getHeader("Location"));
        assertThat(callback)
                .containsEntry("error", "invalid_request")
                .containsEntry("state", second.get("state"))
                .doesNotContainKey("code");
        assertThat(callback.get("error_description")).contains("code_challenge was already used");
        assertThat(two.authorize(Oidc.codeRequest("openid", Pkce.create().challenge()))
                        .statusCode())
                .as("a new challenge at node 2, the control")
                .isEqualTo(200);
        String events = two.asAdmin()
                .queryParam("type", "LOGIN_ERROR")
                .queryParam("client", Oidc.SPA_CLIENT)
                .queryParam("max", 50)
                .get(two.adminUrl("/events"))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(events).contains("code_challenge was already used").doesNotContain(challenge);
    }

    @Test
    void nodeWhenRestartedThenRejoinsTheViewAndAcceptsTokensIssuedMeanwhile(KeycloakCluster cluster) {
        cluster.stopNode(2);
        assertThat(cluster.node(2).anyProcessLeft()).isFalse();
        assertThat(cluster.clusterView(1)).hasSize(1);
        String token = cluster.node(1)
                .oidc()
                .demoServiceToken("orders:read")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        cluster.startNode(2);

        assertThat(cluster.clusterView(1)).hasSize(2);
        assertThat(cluster.clusterView(2)).containsExactlyInAnyOrderElementsOf(cluster.clusterView(1));
        Response introspection = introspect(cluster.node(2), token);
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(introspection.jsonPath().getBoolean("active")).isTrue();
    }

    private static JWKSet jwks(KeycloakCluster.Node node) throws Exception {
        String body = node.oidc()
                .request()
                .get(node.realmUrl(DEMO_REALM) + "/protocol/openid-connect/certs")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JWKSet.parse(body);
    }

    /**
     * Every key's JWK members except its X.509 ones. Keycloak's {@code ecdsa-generated} provider
     * with {@code ecGenerateCertificate} (the demo's ES256 key) makes the key's self-signed
     * certificate when a node loads the key and keeps it in memory only
     * ({@code GeneratedEcdsaKeyProvider#loadKey}), so each node, and each restart, serves its own
     * {@code x5c} and {@code x5t} for the same key pair.
     */
    private static List<Map<String, Object>> withoutCertificates(JWKSet set) {
        return set.getKeys().stream()
                .map(key -> {
                    Map<String, Object> members = new java.util.TreeMap<>(key.toJSONObject());
                    members.keySet().removeAll(List.of("x5c", "x5t", "x5t#S256", "x5u"));
                    return (Map<String, Object>) members;
                })
                .sorted(java.util.Comparator.comparing(members -> (String) members.get("kid")))
                .toList();
    }

    /**
     * Introspects at {@code node} as orders-api, the resource server the orders scopes name in
     * {@code aud}: Keycloak 26.7 answers {@code active: false} to a client that is not in the
     * token's audience.
     */
    private static Response introspect(KeycloakCluster.Node node, String token) {
        return node.oidc().introspectAsOrdersApi(token);
    }
}
