package dev.apiguard.keycloak.abac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which condition shapes get a {@link DirectCondition} when a document is compiled. */
class DirectConditionTest {

    private static DirectCondition directFormOf(String condition) throws PolicyDocumentException {
        return OnePolicyDocument.compile(condition).policies().get(0).direct();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "'orders-admin-3' in user.realmRoles",
                "user.attributes.department == ['finance-1'] && user.emailVerified",
                "request.grantType == 'client_credentials' && client.id == 'batch-2'",
                "'/partners/emea-3' in user.groups",
                "auth.acr == 'mfa' && auth.time > 4",
                "user.attributes['cost-center'] == ['5']",
                "client.attributes['tier'] == 'gold-6' && request.sourceIp.startsWith('10.')",
                "user.attributes.department == ['sales'] && user.emailVerified && 'api-user' in user.realmRoles",
                "'orders-admin' in user.clientRoles['orders-api'] || !(client.id in ['a', 'b'])",
                "has(user.attributes.department) && scope != 'orders:admin'",
                "100 < auth.time",
                "now.getHours('UTC') > 24 + 7",
                "now.getDayOfWeek() == 0 || 17 <= now.getHours()"
            })
    void compileWhenCommonShapeThenDirectForm(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "now.getHours('Europe/Berlin') > 8",
                "now.getHours() > auth.time",
                "size(user.realmRoles) > 1",
                "user.realmRoles.exists(r, r.startsWith('a'))",
                "user.username.matches('^a')",
                "auth.time > 1.5",
                "'a' in user.realmRoles && now.getFullYear() > 2000"
            })
    void compileWhenOtherShapeThenInterpreterOnly(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNull();
    }

    @ParameterizedTest
    @MethodSource("dev.apiguard.keycloak.abac.BenchmarkShapes#unindexed")
    void compileWhenAShapeOfTheBenchmarksUnindexedLayoutThenDirectForm(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("dev.apiguard.keycloak.abac.BenchmarkShapes#interpreted")
    void compileWhenAShapeOfTheBenchmarksInterpretedLayoutThenInterpreterOnly(String condition) throws Exception {
        assertThat(directFormOf(condition)).isNull();
    }

    @Test
    void timePartWhenComputedFromTheEpochSecondThenEqualsJavaTime() {
        Random random = new Random(0x71e_0fdaL);
        List<Instant> instants = new ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(86_399, 999_999_999),
                Instant.parse("2026-12-01T23:59:59Z"),
                Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59Z"),
                LocalDateTime.MIN.toInstant(ZoneOffset.UTC),
                LocalDateTime.MAX.toInstant(ZoneOffset.UTC)));
        for (int i = 0; i < 100_000; i++) {
            instants.add(Instant.ofEpochSecond(
                    random.nextLong(
                            LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC),
                            LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC)),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            for (DirectCondition.TimePart part : DirectCondition.TimePart.values()) {
                assertThat(part.utc(instant)).as("%s of %s", part, instant).isEqualTo(part.javaTime(instant));
            }
        }
    }

    @Test
    void timePartWhenTheInstantIsOutsideJavaTimesRangeThenItThrowsAsJavaTimeDoes() {
        for (DirectCondition.TimePart part : DirectCondition.TimePart.values()) {
            assertThatThrownBy(() -> part.utc(Instant.MAX)).isInstanceOf(DateTimeException.class);
            assertThatThrownBy(() -> part.utc(Instant.MIN)).isInstanceOf(DateTimeException.class);
        }
    }
}
