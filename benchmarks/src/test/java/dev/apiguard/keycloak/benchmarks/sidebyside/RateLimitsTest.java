package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    @Test
    void raisedWhenTiersAndRulesThenEveryLimitHighAndEverythingElseKept() throws Exception {
        String document = """
                {"apiVersion":"apiguard/v1","mode":"enforce",
                 "tiers":{"standard":{"capacity":10,"rate":"1/s","description":"d"}},
                 "defaultTier":"standard",
                 "rules":[{"name":"clients","key":"client","tiered":true,"endpoints":["token"]},
                          {"name":"addresses","key":"address","capacity":300,"rate":"5/m","mode":"shadow"}]}
                """;

        JsonNode raised = new ObjectMapper().readTree(RateLimits.raised(document));

        assertThat(raised.at("/tiers/standard/capacity").asLong()).isEqualTo(RateLimits.HIGH);
        assertThat(raised.at("/tiers/standard/rate").asText()).isEqualTo(RateLimits.HIGH + "/s");
        assertThat(raised.at("/tiers/standard/description").asText()).isEqualTo("d");
        assertThat(raised.at("/rules/0").has("capacity")).isFalse();
        assertThat(raised.at("/rules/0/endpoints/0").asText()).isEqualTo("token");
        assertThat(raised.at("/rules/1/capacity").asLong()).isEqualTo(RateLimits.HIGH);
        assertThat(raised.at("/rules/1/rate").asText()).isEqualTo(RateLimits.HIGH + "/s");
        assertThat(raised.at("/rules/1/mode").asText()).isEqualTo("shadow");
        assertThat(raised.at("/mode").asText()).isEqualTo("enforce");
    }
}
