package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code tierRules}: a client's tier chosen by CEL conditions, compiled once, cached per client, validated. */
class TierRulesTest {

    private static final String DOCUMENT = """
            {"apiVersion": "apiguard/v1",
             "tiers": {"standard": {"capacity": 2, "rate": "1/h"}, "partner": {"capacity": 5, "rate": "1/h"},
                       "internal": {"capacity": 9, "rate": "1/h"}},
             "defaultTier": "standard",
             "tierRules": [
               {"when": "client.attributes['org'] == 'acme'", "tier": "partner", "description": "the partner"},
               {"when": "'internal-service' in client.realmRoles", "tier": "internal"},
               {"when": "client.id.startsWith('batch-')", "tier": "partner"}],
             "rules": [{"name": "c", "key": "client", "tiered": true}]}""";

    private final AtomicInteger roleReads = new AtomicInteger();

    private Supplier<List<String>> roles(String... names) {
        return () -> {
            roleReads.incrementAndGet();
            return List.of(names);
        };
    }

    @Test
    void selectWhenAConditionHoldsThenItsTierAndTheFirstTrueOneWins() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT);

        assertThat(policy.selectTier("a", Map.of("org", "acme"), roles("internal-service"), 0))
                .isEqualTo("partner");
        assertThat(roleReads)
                .as("roles are read only by a condition that is evaluated and reads them")
                .hasValue(0);
        assertThat(policy.selectTier("b", Map.of(), roles("internal-service"), 0))
                .as("a missing attribute key makes the first condition false, not an error")
                .isEqualTo("internal");
        assertThat(policy.selectTier("batch-7", Map.of("org", "other"), roles("offline_access"), 0))
                .isEqualTo("partner");
        assertThat(policy.selectTier("c", Map.of("org", "other"), roles(), 0)).isNull();
        assertThat(policy.tierLimit(policy.selectTier("c", Map.of("org", "other"), roles(), 0))
                        .capacity())
                .as("no condition holds: the default tier")
                .isEqualTo(2);
    }

    @Test
    void selectWhenTheClientIsCachedThenNoConditionRunsUntilItsAttributesChangeOrTheEntryIsOld() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT);

        for (int i = 0; i < 100; i++) {
            assertThat(policy.selectTier("a", Map.of("org", "acme"), roles(), 1_000 + i))
                    .isEqualTo("partner");
        }
        assertThat(policy.tierRules.evaluations()).isEqualTo(1);

        assertThat(policy.selectTier("a", Map.of("org", "other"), roles(), 2_000))
                .isNull();
        assertThat(policy.tierRules.evaluations()).as("attributes changed").isEqualTo(2);

        assertThat(policy.selectTier(
                        "a", Map.of("org", "other"), roles("internal-service"), 2_000 + TierRules.TTL_MILLIS))
                .as("a role granted later counts once the entry is older than the TTL")
                .isEqualTo("internal");
        assertThat(policy.tierRules.evaluations()).isEqualTo(3);
    }

    @Test
    void selectWhenAnAttributeHasNoValueThenItsConditionIsFalseAndTheCacheStillWorks() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT);
        Map<String, String> attributes = new java.util.HashMap<>();
        attributes.put("org", null);

        assertThat(policy.selectTier("n", attributes, roles(), 0)).isNull();
        assertThat(policy.selectTier("n", attributes, roles(), 1)).isNull();
        assertThat(policy.tierRules.evaluations()).isEqualTo(1);
    }

    @Test
    void decideWhenATierRuleSelectsTheTierThenItsLimitApplies() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse(DOCUMENT);
        String tier = policy.selectTier("partner-app", Map.of("org", "acme"), roles(), 0);
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += RateLimiter.decide(policy, new RequestFacts(Endpoint.TOKEN, "partner-app", tier, null, null), 0)
                            .refused()
                    ? 0
                    : 1;
        }

        assertThat(admitted).isEqualTo(5);
    }

    @Test
    void parseWhenTierRulesAreInvalidThenEveryProblemIsNamed() {
        RateLimitDocumentParser.Invalid invalid =
                catchThrowableOfType(RateLimitDocumentParser.Invalid.class, () -> RateLimitDocumentParser.parse("""
                        {"apiVersion": "apiguard/v1",
                         "tiers": {"standard": {"capacity": 2, "rate": "1/h"}}, "defaultTier": "standard",
                         "tierRules": [
                           {"when": "client.attributes['org'] ==", "tier": "standard"},
                           {"when": "client.id", "tier": "gold"},
                           {"when": "user.id == 'x'", "tier": "standard", "colour": "red"},
                           {"tier": "standard"}],
                         "rules": [{"name": "r", "key": "realm", "capacity": 1, "rate": "1/s"}]}"""));

        assertThat(invalid.problems()).hasSize(7);
        assertThat(invalid.problems().get(0))
                .isEqualTo(
                        "tierRules: no rule is tiered, so a client's tier decides nothing; add \"tiered\": true to a "
                                + "client rule or remove tierRules");
        assertThat(invalid.problems().get(1)).startsWith("tierRules[0].when: line 1, column ");
        assertThat(invalid.problems().get(2)).isEqualTo("tierRules[1].tier: \"gold\" is not defined in tiers");
        assertThat(invalid.problems().get(3)).startsWith("tierRules[1].when: ").contains("bool");
        assertThat(invalid.problems().get(4))
                .isEqualTo("tierRules[2].colour: unknown field (allowed: description, tier, when)");
        assertThat(invalid.problems().get(5)).startsWith("tierRules[2].when: ").contains("user");
        assertThat(invalid.problems().get(6)).isEqualTo("tierRules[3].when: missing");
    }

    @Test
    void parseWhenTierRulesAreEmptyOrNotAListThenRefused() {
        for (String tierRules : List.of("[]", "{}")) {
            RateLimitDocumentParser.Invalid invalid = catchThrowableOfType(
                    RateLimitDocumentParser.Invalid.class,
                    () -> RateLimitDocumentParser.parse("""
                            {"apiVersion": "apiguard/v1",
                             "tiers": {"standard": {"capacity": 2, "rate": "1/h"}}, "defaultTier": "standard",
                             "tierRules": %s,
                             "rules": [{"name": "c", "key": "client", "tiered": true}]}""".formatted(tierRules)));

            assertThat(invalid.problems()).singleElement().asString().startsWith("tierRules: ");
        }
    }
}
