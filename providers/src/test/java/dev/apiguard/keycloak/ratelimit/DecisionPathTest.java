package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shortcuts of the decision path give the answers of the plain forms they replace. */
class DecisionPathTest {

    @Test
    void stripeIndexWhenKeysShareAStripeThenTheirHashMapBucketsStillSpread() {
        Map<Integer, Set<Integer>> bucketsByStripe = new HashMap<>();
        Map<Integer, Integer> keysByStripe = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            int h = ("client-" + i).hashCode();
            int stripe = BucketTable.stripeIndex(h);
            // HashMap's bucket in a table of 4,096 (a stripe of ~1,560 keys): the spread hash's low bits.
            int bucket = (h ^ (h >>> 16)) & 4095;
            bucketsByStripe.computeIfAbsent(stripe, s -> new HashSet<>()).add(bucket);
            keysByStripe.merge(stripe, 1, Integer::sum);
        }

        assertThat(bucketsByStripe).hasSize(BucketTable.STRIPES);
        assertThat(keysByStripe.values()).allSatisfy(keys -> assertThat(keys).isBetween(1_200, 1_950));
        bucketsByStripe.forEach((stripe, buckets) -> assertThat(buckets.size())
                .as("distinct HashMap buckets used in stripe %d", stripe)
                .isGreaterThan(900));
    }

    @Test
    void ipv4BitsWhenRandomDottedQuadsThenTheBytesOfInetAddress() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            int bits = random.nextInt();
            String literal =
                    (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
            byte[] expected = InetAddress.getByName(literal).getAddress();

            assertThat(Addresses.ipv4Bits(literal)).isEqualTo(bits & 0xffffffffL);
            assertThat(Addresses.parse(literal)).isEqualTo(expected);
            assertThat(Addresses.aggregateIpv4(Addresses.ipv4Bits(literal)))
                    .isEqualTo(Addresses.aggregate(literal, expected))
                    .isEqualTo(
                            (expected[0] & 0xff) + "." + (expected[1] & 0xff) + "." + (expected[2] & 0xff) + ".0/24");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", ".1.2.3", "1.2.3.", "a.b.c.d", "1.2.3.4 "})
    void ipv4BitsWhenNotADottedQuadThenMinusOneAndTheAddressCountsAsItself(String literal) {
        assertThat(Addresses.ipv4Bits(literal)).isEqualTo(-1);
        assertThat(Addresses.parse(literal)).isNull();
        assertThat(Addresses.aggregate(literal, Addresses.parse(literal))).isEqualTo(literal);
    }

    @Test
    void containsIpv4WhenRandomAddressesAndBlocksThenTheSameAsTheBytes() {
        SplittableRandom random = new SplittableRandom(11);
        String[] problem = new String[1];
        List<Addresses.Cidr> blocks = List.of(
                Addresses.cidr("0.0.0.0/0", problem),
                Addresses.cidr("10.0.0.0/8", problem),
                Addresses.cidr("172.16.0.0/12", problem),
                Addresses.cidr("192.0.2.0/24", problem),
                Addresses.cidr("203.0.113.77", problem),
                Addresses.cidr("255.255.255.255/31", problem),
                Addresses.cidr("2001:db8::/32", problem));
        for (int i = 0; i < 50_000; i++) {
            int bits = switch (i % 4) {
                case 0 -> random.nextInt();
                case 1 -> 0x0a000000 | random.nextInt(1 << 24);
                case 2 -> 0xc0000200 | random.nextInt(512);
                default -> 0xcb00714d ^ random.nextInt(4);
            };
            byte[] bytes = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
            for (Addresses.Cidr block : blocks) {
                assertThat(block.containsIpv4(bits & 0xffffffffL))
                        .as("%s in %s", bits, block)
                        .isEqualTo(block.contains(bytes));
            }
        }
    }

    @Test
    void decideWhenTheAddressIsAnIpv4MappedIpv6LiteralThenItCountsAsItsIpv4Prefix() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1", "allowList": ["198.51.100.0/24"],
                 "rules": [{"name": "a", "key": "address", "capacity": 1, "rate": "1/h"}]}""");

        Decision mapped =
                RateLimiter.decide(policy, new RequestFacts(Endpoint.TOKEN, null, null, "::ffff:192.0.2.9", null), 0);
        Decision allowListed = RateLimiter.decide(
                policy, new RequestFacts(Endpoint.TOKEN, null, null, "::ffff:198.51.100.9", null), 0);

        assertThat(mapped.keys[0]).isEqualTo("192.0.2.0/24");
        assertThat(RateLimiter.decide(policy, new RequestFacts(Endpoint.TOKEN, null, null, "192.0.2.10", null), 0)
                        .refused())
                .isTrue();
        assertThat(allowListed.size).isZero();
    }

    /** A realm whose attribute is {@code source[0]} (read on each call), with a fixed id and name. */
    private static org.keycloak.models.RealmModel realm(String[] source) {
        return (org.keycloak.models.RealmModel) java.lang.reflect.Proxy.newProxyInstance(
                DecisionPathTest.class.getClassLoader(),
                new Class<?>[] {org.keycloak.models.RealmModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> RateLimitStore.ATTRIBUTE.equals(args[0]) ? source[0] : null;
                    case "getId" -> "decision-path-test-realm";
                    case "getName" -> "decision-path-test";
                    default -> null;
                });
    }

    @Test
    void ofWhenTheSameTextComesInANewStringThenTheCompiledDocumentIsKeptAndTheNewStringRemembered() {
        String text = """
                {"apiVersion": "apiguard/v1", "rules": [{"name": "r", "key": "realm", "capacity": 1, "rate": "1/s"}]}""";
        String[] source = {new String(text)};
        org.keycloak.models.RealmModel realm = realm(source);

        RateLimitStore.State first = RateLimitStore.of(realm);
        source[0] = new String(text);
        RateLimitStore.State second = RateLimitStore.of(realm);
        RateLimitStore.State third = RateLimitStore.of(realm);

        assertThat(second.policy()).as("not compiled again").isSameAs(first.policy());
        assertThat(second.source()).isSameAs(source[0]);
        assertThat(third).as("the next request compares references").isSameAs(second);
        source[0] = text.replace("1/s", "2/s");
        assertThat(RateLimitStore.of(realm).policy())
                .as("another text compiles")
                .isNotSameAs(first.policy());
    }
}
