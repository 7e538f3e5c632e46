package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of rate-limit documents, with the exact messages, and the shipped demo document. */
class RateLimitDocumentTest {

    private static final Path REALM_CONFIG = Path.of(System.getProperty("apiguard.repo.root"), "realm-config");

    @Test
    void parseWhenADocumentHasManyProblemsThenEveryProblemIsNamed() {
        RateLimitDocumentParser.Invalid invalid =
                catchThrowableOfType(RateLimitDocumentParser.Invalid.class, () -> RateLimitDocumentParser.parse("""
                        {"apiVersion": "apiguard/v1", "mode": "loud", "allowList": ["10.0.0.0/33", "example.org"],
                         "tiers": {"std": {"capacity": 0, "rate": "5/week"}}, "defaultTier": "gold",
                         "rules": [
                           {"name": "c", "key": "client", "tiered": true, "capacity": 3, "rate": "1/s"},
                           {"name": "c", "key": "cookie", "capacity": 1, "rate": "1/s", "colour": "red"},
                           {"name": "u", "key": "username", "endpoints": ["userinfo"], "capacity": 1, "rate": "1/s"},
                           {"name": "a", "key": "address", "capacity": 1, "rate": "1/s", "count": "some"}
                         ]}"""));

        assertThat(invalid.problems())
                .containsExactly(
                        "mode: must be \"enforce\" or \"shadow\", was \"loud\"",
                        "allowList[0]: \"10.0.0.0/33\": the prefix length must be 0 to 32",
                        "allowList[1]: \"example.org\" is not an IPv4 or IPv6 address or CIDR block",
                        "tiers.std.capacity: must be a whole number from 1 to 1000000000, was 0",
                        "tiers.std.rate: must be \"N/s\", \"N/m\", \"N/h\" or \"N/d\" (N from 1 to 1000000000), was \"5/week\"",
                        "defaultTier: \"gold\" is not defined in tiers (defined: std)",
                        "rules[0]: a tiered rule takes its capacity and rate from the client's tier; remove them",
                        "rules[1].colour: unknown field (allowed: capacity, count, description, endpoints, key, mode, name, rate, tiered)",
                        "rules[1].name: \"c\" is used by an earlier rule",
                        "rules[1].key: must be client, address, username or realm, was \"cookie\"",
                        "rules[2].endpoints[0]: a username rule applies to token and login only, was \"userinfo\"",
                        "rules[3].count: must be \"all\" or \"failures\", was \"some\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty text        | ``                                                       | document: empty
            a list            | `[]`                                                     | document: must be a JSON object
            no apiVersion     | `{"rules": [{"name": "r", "key": "realm", "capacity": 1, "rate": "1/s"}]}` | apiVersion: missing, must be "apiguard/v1"
            no rules          | `{"apiVersion": "apiguard/v1"}`                          | rules: missing, must list 1 to 32 rules
            empty rules       | `{"apiVersion": "apiguard/v1", "rules": []}`             | rules: 0 rules, 1 to 32 allowed
            tiered no default | `{"apiVersion": "apiguard/v1", "tiers": {"t": {"capacity": 1, "rate": "1/s"}}, "rules": [{"name": "c", "key": "client", "tiered": true}]}` | defaultTier: missing, a tiered rule needs the tier of clients that name none
            tiered address    | `{"apiVersion": "apiguard/v1", "tiers": {"t": {"capacity": 1, "rate": "1/s"}}, "defaultTier": "t", "rules": [{"name": "c", "key": "address", "tiered": true}]}` | rules[0].tiered: only a client rule can be tiered, this rule's key is address
            no rate           | `{"apiVersion": "apiguard/v1", "rules": [{"name": "r", "key": "realm", "capacity": 1}]}` | rules[0].rate: missing, the refill rate as "N/s", "N/m", "N/h" or "N/d"
            small key bound   | `{"apiVersion": "apiguard/v1", "maxKeysPerRule": 10, "rules": [{"name": "r", "key": "realm", "capacity": 1, "rate": "1/s"}]}` | maxKeysPerRule: must be a whole number from 1024 to 10000000, was 10
            bad endpoint      | `{"apiVersion": "apiguard/v1", "rules": [{"name": "r", "key": "realm", "capacity": 1, "rate": "1/s", "endpoints": ["tokens"]}]}` | rules[0].endpoints[0]: must be one of token, authorize, login, par, introspect, revoke, userinfo, device, registration, was "tokens"
            """)
    void parseWhenOneThingIsWrongThenThatProblemIsNamed(String name, String document, String problem) {
        RateLimitDocumentParser.Invalid invalid = catchThrowableOfType(
                RateLimitDocumentParser.Invalid.class, () -> RateLimitDocumentParser.parse(document));

        assertThat(invalid).as(name).isNotNull();
        assertThat(invalid.problems()).as(name).containsExactly(problem);
    }

    @Test
    void undefinedTiersWhenAClientNamesATierTheDocumentLacksThenItIsAProblem() {
        RateLimitStore.State state = RateLimitStore.compile("""
                {"apiVersion": "apiguard/v1", "tiers": {"std": {"capacity": 1, "rate": "1/s"}}, "defaultTier": "std",
                 "rules": [{"name": "c", "key": "client", "tiered": true}]}""");

        assertThat(RateLimitStore.undefinedTiers(state, Map.of("shop", "gold", "app", "std")))
                .containsExactly("client 'shop': attribute apiguard.rateLimitTier names tier 'gold', which is not "
                        + "defined in tiers (defined: std)");
    }

    @Test
    void demoDocumentWhenShippedThenValidAndEqualToTheDemoRealmsAttribute() throws Exception {
        String file = Files.readString(REALM_CONFIG.resolve("ratelimit/apiguard-demo-rate-limits.json"));
        ObjectMapper json = new ObjectMapper();
        JsonNode realm =
                json.readTree(REALM_CONFIG.resolve("apiguard-demo.json").toFile());

        RateLimitPolicy policy = RateLimitDocumentParser.parse(file);

        assertThat(policy.rules).extracting(Rule::name).containsExactly("clients", "passwords", "addresses", "realm");
        assertThat(json.readTree(
                        realm.get("attributes").get(RateLimitStore.ATTRIBUTE).asText()))
                .isEqualTo(json.readTree(file));
        assertThat(RealmFileRateLimitCheck.problems(
                        json.treeToValue(realm, org.keycloak.representations.idm.RealmRepresentation.class)))
                .isEmpty();
    }
}
