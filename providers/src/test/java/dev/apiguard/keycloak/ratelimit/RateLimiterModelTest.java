package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-node decision checked against an independent model: a classic token bucket that keeps
 * its credit in nanoseconds (refilled one nanosecond per nanosecond, capped at {@code capacity *
 * T}, a unit costs {@code T}) rather than GCRA's theoretical arrival time. Thousands of random
 * requests (clients of several tiers, addresses of a few /24s, answers 200, 400 and 401) must get
 * the same refusals, {@code Retry-After} and RateLimit fields from both. This is what keeps the
 * decision path's optimisations (precomputed limits, no per-rule allocation) honest.
 */
class RateLimiterModelTest {

    private static final long NANOS = 1_000_000_000L;

    private static final String DOCUMENT = """
            {"apiVersion": "apiguard/v1",
             "tiers": {"standard": {"capacity": 3, "rate": "2/s"}, "gold": {"capacity": 7, "rate": "300/m"}},
             "defaultTier": "standard",
             "rules": [
               {"name": "c", "key": "client", "tiered": true},
               {"name": "a", "key": "address", "count": "failures", "capacity": 4, "rate": "3/s", "mode": "%s"},
               {"name": "r", "key": "realm", "capacity": 12, "rate": "7/s"}]}""";

    /** One rule of the model. */
    private record ModelRule(
            String name, String key, boolean failuresOnly, boolean shadow, long capacity, long interval) {}

    /** The model's bucket: credit in nanoseconds at {@code at}. */
    private static final class Bucket {
        long credit;
        long at;
    }

    private final Map<String, Bucket> buckets = new HashMap<>();

    private Bucket bucket(ModelRule rule, String key, long now) {
        long tolerance = rule.capacity() * rule.interval();
        Bucket bucket = buckets.computeIfAbsent(rule.name() + "|" + key, k -> {
            Bucket fresh = new Bucket();
            fresh.credit = tolerance;
            fresh.at = now;
            return fresh;
        });
        bucket.credit = Math.min(tolerance, bucket.credit + (now - bucket.at));
        bucket.at = now;
        return bucket;
    }

    private static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS - 1) / NANOS;
    }

    @ParameterizedTest(name = "address rule {0}, seed {1}")
    @CsvSource({"enforce, 1", "enforce, 2", "shadow, 3", "shadow, 4"})
    void decideAndSettleWhenRandomTrafficThenTheSameAsATokenBucketModel(String addressMode, long seed)
            throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT.formatted(addressMode));
        Map<String, long[]> tiers = Map.of("standard", new long[] {3, NANOS / 2}, "gold", new long[] {7, NANOS / 5});
        ModelRule address = new ModelRule("a", "address", true, "shadow".equals(addressMode), 4, NANOS / 3);
        ModelRule realm = new ModelRule("r", "realm", false, false, 12, NANOS / 7);
        String[] clients = {"a", "b", "c", null};
        String[] tierOf = {null, "gold", "no-such-tier", null};
        String[] addresses = {"192.0.2.1", "192.0.2.77", "198.51.100.3", "203.0.113.250", null};
        int[] statuses = {200, 200, 200, 400, 401};
        SplittableRandom random = new SplittableRandom(seed);
        long now = 1_000 * NANOS + random.nextLong(NANOS);
        int refusals = 0;

        for (int i = 0; i < 5_000; i++) {
            now += random.nextLong(120_000_000L);
            int c = random.nextInt(clients.length);
            String addressLiteral = addresses[random.nextInt(addresses.length)];
            String tier = tierOf[c];
            long[] tierLimit = tiers.getOrDefault(tier == null ? "standard" : tier, tiers.get("standard"));
            ModelRule client = new ModelRule("c", "client", false, false, tierLimit[0], tierLimit[1]);

            List<ModelRule> applied = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            if (clients[c] != null) {
                applied.add(client);
                keys.add(clients[c]);
            }
            if (addressLiteral != null) {
                applied.add(address);
                keys.add(addressLiteral.substring(0, addressLiteral.lastIndexOf('.')) + ".0/24");
            }
            applied.add(realm);
            keys.add("realm");

            // The model's decision.
            long[] remaining = new long[applied.size()];
            long[] reset = new long[applied.size()];
            boolean[] admitted = new boolean[applied.size()];
            boolean refused = false;
            long retryAfter = 0;
            for (int r = 0; r < applied.size(); r++) {
                ModelRule rule = applied.get(r);
                Bucket bucket = bucket(rule, keys.get(r), now);
                long tolerance = rule.capacity() * rule.interval();
                admitted[r] = bucket.credit >= rule.interval();
                if (admitted[r] && !rule.failuresOnly()) {
                    bucket.credit -= rule.interval();
                }
                if (admitted[r]) {
                    remaining[r] = Math.max(0, bucket.credit / rule.interval());
                    reset[r] = ceilSeconds(tolerance - bucket.credit);
                } else {
                    reset[r] = ceilSeconds(tolerance - bucket.credit);
                    if (!rule.shadow()) {
                        refused = true;
                        retryAfter = Math.max(retryAfter, Math.max(1, ceilSeconds(rule.interval() - bucket.credit)));
                    }
                }
            }
            if (refused) {
                for (int r = 0; r < applied.size(); r++) {
                    ModelRule rule = applied.get(r);
                    if (!rule.failuresOnly() && admitted[r]) {
                        Bucket bucket = bucket(rule, keys.get(r), now);
                        long tolerance = rule.capacity() * rule.interval();
                        bucket.credit = Math.min(tolerance, bucket.credit + rule.interval());
                        remaining[r] = bucket.credit >= rule.interval() ? bucket.credit / rule.interval() : 0;
                        reset[r] = ceilSeconds(tolerance - bucket.credit);
                    }
                }
            }
            StringBuilder policyField = new StringBuilder();
            StringBuilder rateLimitField = new StringBuilder();
            for (int r = 0; r < applied.size(); r++) {
                ModelRule rule = applied.get(r);
                if (rule.shadow()) {
                    continue;
                }
                String separator = policyField.isEmpty() ? "" : ", ";
                policyField
                        .append(separator)
                        .append('"')
                        .append(rule.name())
                        .append("\";q=")
                        .append(rule.capacity())
                        .append(";w=")
                        .append(ceilSeconds(rule.capacity() * rule.interval()));
                rateLimitField
                        .append(separator)
                        .append('"')
                        .append(rule.name())
                        .append("\";r=")
                        .append(remaining[r])
                        .append(";t=")
                        .append(reset[r]);
            }

            Decision decision = RateLimiter.decide(
                    policy, new RequestFacts(Endpoint.TOKEN, clients[c], tier, addressLiteral, null), now);

            assertThat(decision.refused()).as("request %d refused", i).isEqualTo(refused);
            assertThat(decision.retryAfterSeconds)
                    .as("request %d Retry-After", i)
                    .isEqualTo(refused ? retryAfter : 0);
            assertThat(decision.policyField())
                    .as("request %d RateLimit-Policy", i)
                    .isEqualTo(policyField.toString());
            assertThat(decision.rateLimitField()).as("request %d RateLimit", i).isEqualTo(rateLimitField.toString());
            refusals += refused ? 1 : 0;

            if (!refused) {
                int status = statuses[random.nextInt(statuses.length)];
                RateLimiter.settle(decision, status, now);
                for (int r = 0; r < applied.size(); r++) {
                    ModelRule rule = applied.get(r);
                    Bucket bucket = bucket(rule, keys.get(r), now);
                    if (rule.failuresOnly() && status >= 400) {
                        bucket.credit -= rule.interval();
                    } else if (rule.key().equals("client") && status == 401) {
                        bucket.credit = Math.min(rule.capacity() * rule.interval(), bucket.credit + rule.interval());
                    }
                }
            }
        }
        assertThat(refusals).as("the traffic exercises refusals").isBetween(500, 4_500);
    }
}
