package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.KeysApi.await;
import static dev.apiguard.keycloak.it.support.KeysApi.kidOf;
import static dev.apiguard.keycloak.it.support.KeysApi.signatureVerifies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.KeycloakCluster;
import dev.apiguard.keycloak.it.support.KeycloakClusterExtension;
import dev.apiguard.keycloak.it.support.KeysApi;
import dev.apiguard.keycloak.it.support.Oidc;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key rotation on two Keycloak nodes (production mode, one PostgreSQL), both running the schedule
 * every second: each transition happens exactly once, both nodes serve one JWKS, a token of node 1
 * verifies on node 2 across a rotation, and a restart of the whole cluster keeps states and schedule.
 */
class KeyRotationClusterIT {

    @RegisterExtension
    static final KeycloakClusterExtension CLUSTER = KeycloakClusterExtension.shared();

    /** Rotation 20 s, next key published 6 s ahead, retired signing keys kept 12 s, HMAC keys 17 s. */
    private static final String SHORT_POLICY = """
            {"rotationPeriod": 20, "prePublication": 6, "retirement": 12, "secretKeyRetirement": 17, "jwksMaxAge": 5, "clockSkew": 2}""";

    private final String secret = Oidc.randomSecret();

    private static KeysApi api(KeycloakCluster.Node node) {
        return new KeysApi(() -> node.oidc().request(), node.baseUrl(), node::adminToken);
    }

    private String newRealm(KeysApi api) {
        String realm = "cluster-rotation-" + UUID.randomUUID().toString().substring(0, 8);
        api.createShortLivedRealm(realm, secret);
        // Rotation is opt-in per realm: the realm adopts it (default policy) before the schedule
        // records its keys.
        api.putPolicy(realm, "{}").then().statusCode(200);
        await(
                "the keys of " + realm + " are adopted",
                Duration.ofSeconds(20),
                () -> api.keys(realm).getBoolean("families.find { it.algorithm == 'ES256' }.keys[0].recorded"));
        return realm;
    }

    @Test
    void scheduleWhenBothNodesRunItThenEachTransitionHappensOnceAndBothNodesServeOneJwks(KeycloakCluster cluster) {
        KeysApi one = api(cluster.node(1));
        KeysApi two = api(cluster.node(2));
        String realm = newRealm(one);
        two.putPolicy(realm, SHORT_POLICY).then().statusCode(200);
        String early = one.serviceToken(realm, secret);
        String firstKid = kidOf(early);
        assertThat(two.introspectsActive(realm, secret, early))
                .as("node 2 accepts node 1's token")
                .isTrue();
        // One JWKS, certificates included: API Guard stores the certificate Keycloak would make per node.
        assertThat(two.jwks(realm).toString()).isEqualTo(one.jwks(realm).toString());

        // Watch both nodes through a whole cycle: publication, activation, deletion of the first key.
        List<String> disagreements = new ArrayList<>();
        Instant disagreeingSince = null;
        String nextKid = null;
        boolean verifiedOnTwoWhileRetired = false;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            List<String> kidsOne = one.jwksKids(realm);
            List<String> kidsTwo = two.jwksKids(realm);
            assertThat(kidsOne.size()).as("keys in node 1's JWKS").isLessThanOrEqualTo(2);
            if (!kidsOne.equals(kidsTwo)) {
                disagreeingSince = disagreeingSince == null ? Instant.now() : disagreeingSince;
                disagreements.add(kidsOne + " / " + kidsTwo);
                assertThat(Duration.between(disagreeingSince, Instant.now()))
                        .as("nodes disagree: %s", disagreements)
                        .isLessThan(Duration.ofSeconds(3));
            } else {
                disagreeingSince = null;
            }
            if (nextKid == null && kidsTwo.size() == 2) {
                nextKid = kidsTwo.stream()
                        .filter(kid -> !kid.equals(firstKid))
                        .findFirst()
                        .orElseThrow();
            }
            if (nextKid != null
                    && !verifiedOnTwoWhileRetired
                    && kidOf(two.serviceToken(realm, secret)).equals(nextKid)) {
                // Node 2 signs with the next key now; node 1 follows within the cache invalidation's lag (the
                // same 3 s bound as for the JWKS), and node 1's early token still verifies against node 2's JWKS.
                String switched = nextKid;
                await(
                        "node 1 signs with the next key too",
                        Duration.ofSeconds(3),
                        () -> kidOf(one.serviceToken(realm, secret)).equals(switched));
                assertThat(signatureVerifies(early, two.jwks(realm))).isTrue();
                verifiedOnTwoWhileRetired = true;
            }
            if (verifiedOnTwoWhileRetired && !kidsOne.contains(firstKid) && !kidsTwo.contains(firstKid)) {
                break;
            }
            assertThat(Instant.now()).as("the cycle ends within a minute").isBefore(deadline);
            sleep(Duration.ofMillis(250));
        }
        assertThat(signatureVerifies(early, two.jwks(realm)))
                .as("node 1's early token after deletion, on node 2")
                .isFalse();
        assertThat(two.jwks(realm).toString()).isEqualTo(one.jwks(realm).toString());

        // Exactly once: one admin event per key and state, whichever node made it.
        Map<String, Integer> counts = new HashMap<>();
        for (Map<String, Object> event : one.componentEvents(realm)) {
            if (event.get("details") instanceof Map<?, ?> details && details.get("kid") != null) {
                counts.merge(details.get("kid") + ":" + details.get("state"), 1, Integer::sum);
            }
        }
        assertThat(counts)
                .as("transitions counted from the admin events")
                .allSatisfy(
                        (transition, count) -> assertThat(count).as(transition).isEqualTo(1));
        assertThat(counts)
                .containsKeys(nextKid + ":next", nextKid + ":active", firstKid + ":retired", firstKid + ":deleted");
        JsonPath report = two.keys(realm);
        assertThat(report.getList("families.find { it.algorithm == 'ES256' }.keys"))
                .hasSizeLessThanOrEqualTo(2);
        assertThat(report.getString("history.find { it.kid == '" + firstKid + "' }.state"))
                .isEqualTo("deleted");
    }

    @Test
    void restartWhenTheWholeClusterStopsMidCycleThenStatesAndScheduleAreKept(KeycloakCluster cluster) {
        KeysApi one = api(cluster.node(1));
        String realm = newRealm(one);
        // Long enough that nothing falls due during the restart.
        one.putPolicy(realm, """
                {"rotationPeriod": 900, "prePublication": 60, "retirement": 600, "secretKeyRetirement": 600, "jwksMaxAge": 5, "clockSkew": 2}""").then().statusCode(200);
        String early = one.serviceToken(realm, secret);
        String previousKid =
                one.rotate(realm, "ES256").then().statusCode(200).extract().path("rotated[0].previousKid");
        assertThat(previousKid).isEqualTo(kidOf(early));
        String family = "families.find { it.algorithm == 'ES256' }";
        JsonPath before = one.keys(realm);
        List<Map<String, Object>> keysBefore = before.getList(family + ".keys");
        String nextBefore = before.getString(family + ".next.at") + " " + before.getString(family + ".next.action");
        assertThat(before.getString(family + ".keys.find { it.kid == '" + previousKid + "' }.state"))
                .isEqualTo("retired");

        cluster.stopNode(2);
        cluster.stopNode(1);
        cluster.startNode(1);
        cluster.startNode(2);

        KeysApi two = api(cluster.node(2));
        JsonPath after = two.keys(realm);
        assertThat(after.getList(family + ".keys"))
                .as("keys, states and times after the restart")
                .isEqualTo(keysBefore);
        assertThat(after.getString(family + ".next.at") + " " + after.getString(family + ".next.action"))
                .as("the next transition")
                .isEqualTo(nextBefore);
        String activeKid = after.getString(family + ".keys.find { it.state == 'active' }.kid");
        assertThat(activeKid).isNotEqualTo(previousKid);
        assertThat(kidOf(one.serviceToken(realm, secret))).isEqualTo(activeKid);
        assertThat(kidOf(two.serviceToken(realm, secret))).isEqualTo(activeKid);
        assertThat(signatureVerifies(early, two.jwks(realm)))
                .as("a token of the retired key, after the restart")
                .isTrue();
        assertThat(two.jwks(realm).toString()).isEqualTo(one.jwks(realm).toString());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
