package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cluster-wide buckets: two nodes (two compilations of one document, each with its own maps)
 * share one set of claimed names, as two Keycloak nodes share the {@code actionTokens} cache.
 */
class SharedBucketsTest {

    private static final long MILLI = 1_000_000L;
    private static final String DOCUMENT = """
            {"apiVersion": "apiguard/v1",
             "rules": [{"name": "clients", "key": "client", "capacity": 100, "rate": "50/s"}]}""";

    /** A shared store: a map of claimed names that counts cluster calls. */
    private static final class Store implements SharedSlots {
        final Map<String, Long> names = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public boolean claim(String name, long lifespanSeconds) {
            calls.incrementAndGet();
            return names.putIfAbsent(name, lifespanSeconds) == null;
        }
    }

    private static RequestFacts request() {
        return new RequestFacts(Endpoint.TOKEN, "busy", null, "192.0.2.1", null);
    }

    @Test
    void decideWhenRequestsAreSpreadOverTwoNodesThenTheClusterAdmitsAtMostTheLimit() throws Exception {
        RateLimitPolicy node1 = RateLimitDocumentParser.parse(DOCUMENT);
        RateLimitPolicy node2 = RateLimitDocumentParser.parse(DOCUMENT);
        Store store = new Store();
        long start = 1_000_000L * 1_000 * MILLI;
        int admitted = 0;
        int requests = 0;
        // 2,000 requests/s for 5 s, alternating nodes: the limit admits 100 + 50/s * 5 s = 350.
        for (long t = 0; t < 5_000 * MILLI; t += MILLI / 2) {
            RateLimitPolicy node = requests++ % 2 == 0 ? node1 : node2;
            if (!RateLimiter.decide(node, request(), start + t, store).refused()) {
                admitted++;
            }
        }

        assertThat(admitted).isLessThanOrEqualTo((int) Math.ceil(350 * 1.05)).isGreaterThanOrEqualTo(300);
        assertThat(store.calls.get())
                .as("one cluster call per lease of 5 units, not per request")
                .isLessThan(requests / 10);
    }

    @Test
    void decideWhenTheRateIsFarAboveTheTrafficThenClaimsStayAboutTwentyPerSecond() throws Exception {
        // A limit set out of reach (10^6 units, 10^6/s): a block of 50 slots would span 50 us and each request,
        // 1 ms apart, would find its block passed and claim a new one. A block spans 50 ms of refill instead.
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "c", "key": "client", "capacity": 1000000, "rate": "1000000/s"}]}""");
        Store store = new Store();
        long start = 5_000_000L * 1_000 * MILLI;
        int admitted = 0;
        for (long t = 0; t < 2_000 * MILLI; t += MILLI) {
            admitted += RateLimiter.decide(policy, request(), start + t, store).refused() ? 0 : 1;
        }

        assertThat(admitted).isEqualTo(2_000);
        assertThat(store.calls.get())
                .as("about one claim per 50 ms over 2 s, not one per request")
                .isBetween(40, 42);
    }

    @ParameterizedTest(name = "capacity {0}, {1} per {2} s: lease {3} ({4})")
    @CsvSource(
            delimiter = '|',
            value = {
                "100       | 50        | 1  | 5      | capacity / 20 bounds it",
                "10        | 1         | 1  | 1      | at least one slot",
                "5000      | 500       | 1  | 50     | 50 when the refill of 50 ms is less",
                "5000      | 2000      | 1  | 100    | the demo's realm ceiling: 50 ms of 2,000/s",
                "1000000   | 1000000   | 1  | 50000  | 50 ms of refill",
                "1000000   | 6000000   | 60 | 5000   | per minute: 100,000/s",
                "1000      | 1000000   | 1  | 50     | capacity / 20 still bounds it",
            })
    void leaseSizeIsFiftyOrFiftyMillisecondsOfRefillWithinOneTwentiethOfTheCapacity(
            long capacity, long count, long periodSeconds, long lease, String why) {
        assertThat(Limit.leaseSize(capacity, count, periodSeconds)).as(why).isEqualTo(lease);
    }

    @Test
    void decideWhenOneNodeStopsThenTheOtherStillHoldsTheLimit() throws Exception {
        RateLimitPolicy node1 = RateLimitDocumentParser.parse(DOCUMENT);
        RateLimitPolicy node2 = RateLimitDocumentParser.parse(DOCUMENT);
        Store store = new Store();
        long start = 2_000_000L * 1_000 * MILLI;
        int admitted = 0;
        for (long t = 0; t < 1_000 * MILLI; t += MILLI) {
            RateLimitPolicy node = (t / MILLI) % 2 == 0 ? node1 : node2;
            admitted += RateLimiter.decide(node, request(), start + t, store).refused() ? 0 : 1;
        }
        // node2 stops; node1 alone for 4 more seconds.
        for (long t = 1_000 * MILLI; t < 5_000 * MILLI; t += MILLI) {
            admitted += RateLimiter.decide(node1, request(), start + t, store).refused() ? 0 : 1;
        }

        assertThat(admitted).isLessThanOrEqualTo((int) Math.ceil(350 * 1.05)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void decideWhenRefusedThenRetryAfterIsHonest() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "c", "key": "client", "capacity": 3, "rate": "12/m"}]}""");
        Store store = new Store();
        long now = 3_000_000L * 1_000 * MILLI + 1_234 * MILLI;
        Decision refused = null;
        for (int i = 0; i < 4; i++) {
            refused = RateLimiter.decide(policy, request(), now, store);
        }

        assertThat(refused.refused()).isTrue();
        long retry = refused.retryAfterSeconds;
        assertThat(retry).isBetween(1L, 5L);
        assertThat(RateLimiter.decide(policy, request(), now + retry * 1_000 * MILLI, store)
                        .refused())
                .isFalse();
    }

    @Test
    void decideWhenTheSharedStateFailsThenThisNodesBucketDecides() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "c", "key": "client", "capacity": 1, "rate": "1/h"}]}""");
        SharedSlots broken = (name, lifespan) -> {
            throw new IllegalStateException("cache down");
        };

        assertThat(RateLimiter.decide(policy, request(), 0, broken).refused()).isFalse();
        assertThat(RateLimiter.decide(policy, request(), 0, broken).refused()).isTrue();
    }

    @Test
    void decideWhenABlockIsClaimedThenItsNameIsNamespaceRuleKeyAndBlock() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT);
        policy.name("apiguard-rl:realm-id:0123456789abcdef");
        Store store = new Store();
        long now = 4_000_000L * 1_000 * MILLI;
        // 50/s: one unit every 20 ms; capacity 100: leases of 5 slots.
        long block = now / (20 * MILLI) / 5;

        for (int i = 0; i < 6; i++) {
            RateLimiter.decide(policy, request(), now, store);
        }

        assertThat(store.names.keySet())
                .containsExactlyInAnyOrder(
                        "apiguard-rl:realm-id:0123456789abcdef:clients:busy:" + block,
                        "apiguard-rl:realm-id:0123456789abcdef:clients:busy:" + (block + 1));
        assertThat(store.calls.get()).as("one claim per lease of 5 units").isEqualTo(2);
    }

    /** A shared store that is down, in a cluster whose view has {@code nodes} members (0: unknown). */
    private static SharedSlots down(int nodes) {
        return new SharedSlots() {
            @Override
            public boolean claim(String name, long lifespanSeconds) {
                throw new IllegalStateException("cache down");
            }

            @Override
            public int nodes() {
                return nodes;
            }
        };
    }

    private static int admittedOf(RateLimitPolicy policy, SharedSlots shared, int requests) {
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            admitted += RateLimiter.decide(policy, request(), 0, shared).refused() ? 0 : 1;
        }
        return admitted;
    }

    @Test
    void decideWhenTheSharedStateFailsInAClusterOfThreeThenThisNodeAdmitsItsShareOfTheLimit() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "c", "key": "client", "capacity": 9, "rate": "3/h"}]}""");

        assertThat(admittedOf(policy, down(3), 20)).as("ceil(9 / 3)").isEqualTo(3);
        Decision refused = RateLimiter.decide(policy, request(), 0, down(3));
        assertThat(refused.refused()).isTrue();
        assertThat(refused.policyField())
                .as("the fields state the share this node applies: 3 units, 1 per hour")
                .isEqualTo("\"c\";q=3;w=10800");
        assertThat(refused.retryAfterSeconds).isEqualTo(3600);
    }

    @Test
    void decideWhenTheSharedStateFailsAndTheClusterSizeIsUnknownOrOneThenTheFullLimit() throws Exception {
        String document = """
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "c", "key": "client", "capacity": 9, "rate": "3/h"}]}""";

        assertThat(admittedOf(RateLimitDocumentParser.parse(document), down(0), 20))
                .isEqualTo(9);
        assertThat(admittedOf(RateLimitDocumentParser.parse(document), down(1), 20))
                .isEqualTo(9);
    }

    @Test
    void settleWhenTheRuleWasDecidedByTheShareThenTheFailureIsChargedToTheShare() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "a", "key": "address", "count": "failures", "capacity": 4, "rate": "2/h"}]}""");
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            Decision decision = RateLimiter.decide(policy, request(), 0, down(2));
            if (!decision.refused()) {
                admitted++;
                RateLimiter.settle(decision, 400, 0, down(2));
            }
        }

        assertThat(admitted).as("ceil(4 / 2) failures, each charged once").isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "9, 3, 3, 3, 1",
        "10, 5, 3, 4, 2",
        "1, 1, 4, 1, 1",
        "100, 50, 2, 50, 25",
        "7, 3, 1, 7, 3",
        "7, 3, 0, 7, 3"
    })
    void shareWhenNodesGivenThenCapacityAndRateDividedRoundedUp(
            long capacity, long count, int nodes, long shareCapacity, long shareCount) {
        Limit limit = new Limit(capacity, count, 60);

        Limit share = limit.share(nodes);

        assertThat(share.capacity()).isEqualTo(shareCapacity);
        assertThat(share.count()).isEqualTo(shareCount);
        assertThat(share.periodSeconds()).isEqualTo(60);
        assertThat(limit.share(nodes)).as("kept, not recomputed").isSameAs(share);
    }

    @Test
    void messageWhenTheStateFailsThenTheLogNamesTheShareOrWhyTheFullLimitApplies() {
        assertThat(SharedFailures.message("java.lang.IllegalStateException: cache down", 3))
                .contains("cache down")
                .contains("1/3 share of each limit");
        assertThat(SharedFailures.message("x", 0)).contains("full limits").contains("cluster's size is unknown");
        assertThat(SharedFailures.message("x", 1)).contains("full limits").contains("this node only");
    }
}
