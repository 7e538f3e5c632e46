package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decision of {@link RateLimiter} on compiled documents, with a clock the test moves. */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private static RateLimitPolicy policy(String rules) throws Exception {
        return RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "tiers": {"standard": {"capacity": 3, "rate": "1/s"}, "gold": {"capacity": 10, "rate": "10/s"}},
                 "defaultTier": "standard",
                 "allowList": ["10.1.0.0/16", "2001:db8:aa::/48"],
                 "rules": [%s]}""".formatted(rules));
    }

    private static RequestFacts token(String client, String tier, String address) {
        return new RequestFacts(Endpoint.TOKEN, client, tier, address, null);
    }

    @Test
    void decideWhenTheBurstIsSpentThenRefusedWithAnHonestRetryAfter() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"c\", \"key\": \"client\", \"tiered\": true}");
        long now = 1_000 * SECOND;

        for (int i = 0; i < 3; i++) {
            Decision admitted = RateLimiter.decide(policy, token("a", null, "192.0.2.1"), now);
            assertThat(admitted.refused()).isFalse();
            assertThat(admitted.remaining(0)).isEqualTo(2 - i);
        }
        Decision refused = RateLimiter.decide(policy, token("a", null, "192.0.2.1"), now);

        assertThat(refused.refused()).isTrue();
        assertThat(refused.retryAfterSeconds).isEqualTo(1);
        assertThat(refused.rateLimitField()).isEqualTo("\"c\";r=0;t=3");
        assertThat(refused.policyField()).isEqualTo("\"c\";q=3;w=3");
        assertThat(RateLimiter.decide(policy, token("a", null, "192.0.2.1"), now + SECOND - 1)
                        .refused())
                .as("just before Retry-After")
                .isTrue();
        assertThat(RateLimiter.decide(policy, token("a", null, "192.0.2.1"), now + SECOND)
                        .refused())
                .as("after Retry-After")
                .isFalse();
    }

    @Test
    void decideWhenOneClientIsRefusedThenAnotherIsServedAndATierRaisesTheLimit() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"c\", \"key\": \"client\", \"tiered\": true}");
        long now = 5 * SECOND;
        for (int i = 0; i < 3; i++) {
            RateLimiter.decide(policy, token("a", null, null), now);
        }

        assertThat(RateLimiter.decide(policy, token("a", null, null), now).refused())
                .isTrue();
        assertThat(RateLimiter.decide(policy, token("b", "no-such-tier", null), now)
                        .refused())
                .isFalse();
        for (int i = 0; i < 9; i++) {
            assertThat(RateLimiter.decide(policy, token("g", "gold", null), now).refused())
                    .isFalse();
        }
        assertThat(RateLimiter.decide(policy, token("g", "gold", null), now).policyField())
                .isEqualTo("\"c\";q=10;w=1");
    }

    @Test
    void decideWhenAnotherRuleRefusesThenTheUnitsTakenAreGivenBack() throws Exception {
        RateLimitPolicy policy = policy("""
                {"name": "c", "key": "client", "capacity": 5, "rate": "1/m"},
                {"name": "r", "key": "realm", "capacity": 1, "rate": "1/h"}""");
        long now = 0;
        assertThat(RateLimiter.decide(policy, token("a", null, null), now).refused())
                .isFalse();

        Decision refused = RateLimiter.decide(policy, token("a", null, null), now);

        assertThat(refused.refused()).isTrue();
        assertThat(refused.refusedBy.name()).isEqualTo("r");
        assertThat(refused.retryAfterSeconds).isEqualTo(3600);
        long[] outcome = new long[Outcomes.WIDTH];
        policy.rules.get(0).table().peek("a", policy.rules.get(0).limit(), now, outcome, 0);
        assertThat(outcome[0])
                .as("the client bucket lost only the admitted request's unit")
                .isEqualTo(4);
    }

    @Test
    void settleWhenTheClientFailedToAuthenticateThenItsUnitIsGivenBackAndTheAddressIsCharged() throws Exception {
        RateLimitPolicy policy = policy("""
                {"name": "c", "key": "client", "capacity": 2, "rate": "1/h"},
                {"name": "a", "key": "address", "count": "failures", "capacity": 2, "rate": "1/h"}""");
        long now = 0;
        for (int i = 0; i < 5; i++) {
            Decision attack = RateLimiter.decide(policy, token("victim", null, "198.51.100.7"), now);
            if (!attack.refused()) {
                RateLimiter.settle(attack, 401, now);
            }
        }

        Decision victim = RateLimiter.decide(policy, token("victim", null, "203.0.113.9"), now);

        assertThat(victim.refused()).as("the victim's own request").isFalse();
        assertThat(RateLimiter.decide(policy, token("victim", null, "198.51.100.200"), now)
                        .refusedBy
                        .name())
                .as("the attacker's /24 is out of failures")
                .isEqualTo("a");
    }

    @Test
    void decideWhenTheAddressIsAllowListedThenNoRuleApplies() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"r\", \"key\": \"realm\", \"capacity\": 1, \"rate\": \"1/h\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(RateLimiter.decide(policy, token("a", null, "10.1.200.3"), 0).size)
                    .isZero();
            assertThat(RateLimiter.decide(policy, token("a", null, "2001:db8:aa:1::5"), 0).size)
                    .isZero();
        }
        assertThat(RateLimiter.decide(policy, token("a", null, "10.2.0.1"), 0).refused())
                .isFalse();
        assertThat(RateLimiter.decide(policy, token("a", null, "10.2.0.1"), 0).refused())
                .isTrue();
    }

    @Test
    void decideWhenAddressesShareA24OrA64ThenTheyShareABucket() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"a\", \"key\": \"address\", \"capacity\": 1, \"rate\": \"1/h\"}");

        assertThat(RateLimiter.decide(policy, token(null, null, "192.0.2.1"), 0).refused())
                .isFalse();
        assertThat(RateLimiter.decide(policy, token(null, null, "192.0.2.254"), 0)
                        .refused())
                .isTrue();
        assertThat(RateLimiter.decide(policy, token(null, null, "192.0.3.1"), 0).refused())
                .isFalse();
        assertThat(RateLimiter.decide(policy, token(null, null, "2001:db8:1:2::1"), 0)
                        .refused())
                .isFalse();
        assertThat(RateLimiter.decide(policy, token(null, null, "2001:db8:1:2:ffff::9"), 0)
                        .refused())
                .isTrue();
        assertThat(RateLimiter.decide(policy, token(null, null, "2001:db8:1:3::1"), 0)
                        .refused())
                .isFalse();
    }

    @Test
    void decideWhenTheRuleIsShadowThenNothingIsRefusedButTheRefusalIsReported() throws Exception {
        RateLimitPolicy policy = policy(
                "{\"name\": \"s\", \"key\": \"client\", \"capacity\": 1, \"rate\": \"1/h\", \"mode\": \"shadow\"}");
        RateLimiter.decide(policy, token("a", null, null), 0);

        Decision shadow = RateLimiter.decide(policy, token("a", null, null), 0);

        assertThat(shadow.refused()).isFalse();
        assertThat(shadow.reports[0]).isEqualTo(Decision.SHADOW_REFUSED);
        assertThat(shadow.policyField()).as("shadow rules send no fields").isNull();
    }

    @Test
    void decideWhenABucketReaches80PercentThenOneWarningPerWindow() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"c\", \"key\": \"client\", \"capacity\": 10, \"rate\": \"10/m\"}");
        int warnings = 0;
        for (int i = 0; i < 10; i++) {
            Decision decision = RateLimiter.decide(policy, token("a", null, null), 0);
            warnings += decision.reports[0] == Decision.WARNING ? 1 : 0;
            if (i < 7) {
                assertThat(decision.reports[0]).as("request %d", i + 1).isZero();
            }
        }
        assertThat(warnings).isEqualTo(1);
        int nextWindow = 0;
        for (int i = 0; i < 10; i++) {
            Decision decision = RateLimiter.decide(policy, token("a", null, null), 61 * SECOND);
            nextWindow += decision.reports[0] == Decision.WARNING ? 1 : 0;
        }
        assertThat(nextWindow).as("a new window warns again, once").isEqualTo(1);
    }

    @Test
    void decideWhenTheUsernameDiffersInCaseThenItIsTheSameBucket() throws Exception {
        RateLimitPolicy policy = policy("{\"name\": \"u\", \"key\": \"username\", \"capacity\": 1, \"rate\": \"1/h\"}");

        assertThat(RateLimiter.decide(policy, new RequestFacts(Endpoint.LOGIN, null, null, null, "Alice"), 0)
                        .refused())
                .isFalse();
        assertThat(RateLimiter.decide(policy, new RequestFacts(Endpoint.LOGIN, null, null, null, "alice"), 0)
                        .refused())
                .isTrue();
        assertThat(RateLimiter.decide(policy, new RequestFacts(Endpoint.INTROSPECT, null, null, null, "alice"), 0).size)
                .as("a username rule applies to token and login only")
                .isZero();
    }

    @Test
    void bucketTableWhenFloodedWithAMillionKeysThenItKeepsItsBound() {
        BucketTable table = new BucketTable(100_000);
        Limit limit = new Limit(5, 1, 1);
        for (int i = 0; i < 1_000_000; i++) {
            table.take("198." + (i >>> 16) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff), limit, i, false, null, 0);
        }
        assertThat(table.size()).isLessThanOrEqualTo(100_000).isGreaterThan(90_000);
    }
}
