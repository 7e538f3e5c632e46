package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apiguard.keycloak.common.JsonFuzz;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

class AuditRecordsTest {

    private static final String CANARY = "CANARY-7f3a9c";

    private static Event loginError() {
        Event event = new Event();
        event.setId("11111111-2222-3333-4444-555555555555");
        event.setTime(1_767_225_600_000L);
        event.setType(EventType.LOGIN_ERROR);
        event.setRealmId("realm-id");
        event.setRealmName("demo");
        event.setClientId("web");
        event.setUserId("user-1");
        event.setIpAddress("192.0.2.17");
        event.setError("invalid_user_credentials");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("username", "alice");
        details.put("auth_method", "openid-connect");
        details.put("redirect_uri", "https://app.example/cb?code=" + CANARY + "#state=" + CANARY);
        // Keys no record may carry, whatever a listener chain or an extension put there.
        for (String key : List.of(
                "password",
                "code",
                "code_verifier",
                "token",
                "access_token",
                "refresh_token",
                "id_token",
                "otp",
                "totp",
                "client_secret",
                "secret",
                "private_key",
                "assertion",
                "credential",
                "code_id")) {
            details.put(key, CANARY + "-" + key);
        }
        event.setDetails(details);
        return event;
    }

    @Test
    void userEventWhenFailedLoginThenEcsAndOcsfFieldsSet() {
        Map<String, Object> record = AuditRecords.of(loginError(), Redaction.plain());

        assertThat(record).containsEntry("schema", "apiguard/v1").containsEntry("@timestamp", "2026-01-01T00:00:00Z");
        assertThat(group(record, "event"))
                .containsEntry("id", "11111111-2222-3333-4444-555555555555")
                .containsEntry("kind", "event")
                .containsEntry("category", List.of("authentication"))
                .containsEntry("type", List.of("start"))
                .containsEntry("action", "login")
                .containsEntry("outcome", "failure");
        assertThat(group(record, "source")).containsEntry("ip", "192.0.2.17");
        assertThat(group(record, "user")).containsEntry("id", "user-1").containsEntry("name", "alice");
        assertThat(group(record, "error")).containsEntry("code", "invalid_user_credentials");
        assertThat(group(record, "keycloak"))
                .containsEntry("realm", "demo")
                .containsEntry("client_id", "web")
                .containsEntry("type", "LOGIN_ERROR");
        assertThat(group(record, "ocsf"))
                .containsEntry("class_uid", 3002)
                .containsEntry("activity_id", 1)
                .containsEntry("type_uid", 300201L)
                .containsEntry("status_id", 2);
    }

    @Test
    void userEventWhenDetailsHoldSecretsThenNoCanaryInRecord() {
        String json = AuditRecords.toJson(AuditRecords.of(loginError(), Redaction.plain()));

        assertThat(json).doesNotContain(CANARY);
        assertThat(json).contains("\"redirect_uri\":\"https://app.example/cb\"");
        assertThat(json).contains("\"auth_method\":\"openid-connect\"");
    }

    @Test
    void userEventWhenAbacDenyThenAuthorizeSessionClassAndDecision() {
        Event event = loginError();
        event.setType(EventType.TOKEN_EXCHANGE_ERROR);
        event.setError("scope_policy_denied");
        event.setDetails(Map.of("scope", "orders:write", "apiguard_policy", "p1", "apiguard_action", "drop"));

        Map<String, Object> record = AuditRecords.of(event, Redaction.plain());

        assertThat(group(record, "ocsf")).containsEntry("class_uid", 3003);
        assertThat(group(record, "apiguard")).containsEntry("decision", "abac_deny");
        assertThat(group(record, "event"))
                .containsEntry("action", "token-exchange")
                .containsEntry("outcome", "failure");
        assertThat(group(group(record, "keycloak"), "details"))
                .containsEntry("scope", "orders:write")
                .containsEntry("apiguard_policy", "p1");
    }

    @Test
    void adminEventWhenClientCreatedWithSecretThenOnlyAllowedFieldsKept() {
        AdminEvent event = new AdminEvent();
        event.setId("admin-event-1");
        event.setTime(1_767_225_600_000L);
        event.setRealmId("realm-id");
        event.setRealmName("demo");
        event.setOperationType(OperationType.CREATE);
        event.setResourceType(ResourceType.CLIENT);
        event.setResourcePath("clients/abc");
        AuthDetails auth = new AuthDetails();
        auth.setRealmId("master-id");
        auth.setUserId("admin-1");
        auth.setIpAddress("2001:db8:1:2:3:4:5:6");
        event.setAuthDetails(auth);
        event.setRepresentation("{\"clientId\":\"svc\",\"secret\":\"" + CANARY + "\",\"enabled\":true,"
                + "\"redirectUris\":[\"https://svc.example/cb\"],"
                + "\"attributes\":{\"pkce.code.challenge.method\":\"S256\",\"client.secret.rotated\":\"" + CANARY
                + "\",\"jwt.credential.certificate\":\"" + CANARY + "\"},"
                + "\"credentials\":[{\"type\":\"password\",\"value\":\"" + CANARY + "\"}],"
                + "\"config\":{\"privateKey\":\"" + CANARY + "\"},"
                + "\"protocolMappers\":[{\"name\":\"m\",\"config\":{\"secret\":\"" + CANARY + "\"}}]}");

        Map<String, Object> record = AuditRecords.of(event, true, Redaction.plain());
        String json = AuditRecords.toJson(record);

        assertThat(json).doesNotContain(CANARY);
        assertThat(group(record, "event"))
                .containsEntry("action", "admin-client-create")
                .containsEntry("outcome", "success")
                .containsEntry("type", List.of("creation"));
        assertThat(group(record, "ocsf")).containsEntry("class_uid", 6003).containsEntry("activity_id", 1);
        assertThat(group(record, "user")).containsEntry("id", "admin-1");
        Map<String, Object> representation = group(group(record, "keycloak"), "representation");
        assertThat(representation)
                .containsEntry("clientId", "svc")
                .containsEntry("enabled", true)
                .containsEntry("redirectUris", List.of("https://svc.example/cb"))
                .containsEntry("attributes", Map.of("pkce.code.challenge.method", "S256"))
                .doesNotContainKeys("secret", "credentials", "config", "protocolMappers");
    }

    @Test
    void adminEventWhenRealmHidesRepresentationThenNoneRecorded() {
        AdminEvent event = new AdminEvent();
        event.setId("e");
        event.setOperationType(OperationType.UPDATE);
        event.setResourceType(ResourceType.USER);
        event.setRepresentation("{\"username\":\"bob\"}");

        Map<String, Object> record = AuditRecords.of(event, false, Redaction.plain());

        assertThat(group(record, "keycloak")).doesNotContainKey("representation");
    }

    @Test
    void adminEventWhenUserNamesOmittedThenRepresentationUsernameOmittedToo() {
        AdminEvent event = new AdminEvent();
        event.setId("e");
        event.setOperationType(OperationType.CREATE);
        event.setResourceType(ResourceType.USER);
        event.setRepresentation("{\"username\":\"bob\",\"enabled\":true}");

        Map<String, Object> record = AuditRecords.of(
                event, true, new Redaction(Redaction.AddressMode.PLAIN, Redaction.UserNameMode.OMIT, null));

        assertThat(AuditRecords.toJson(record)).doesNotContain("bob");
        assertThat(group(group(record, "keycloak"), "representation")).containsEntry("enabled", true);
    }

    @Test
    void redactionWhenTruncateThenNetworkPartOnly() {
        Redaction redaction = new Redaction(Redaction.AddressMode.TRUNCATE, Redaction.UserNameMode.OMIT, null);

        assertThat(redaction.address("192.0.2.17")).isEqualTo("192.0.2.0");
        assertThat(redaction.address("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:0:0:0:0:0");
        assertThat(redaction.address("not-an-address")).isNull();
        assertThat(redaction.userName("alice")).isNull();
    }

    @Test
    void redactionWhenHashThenKeyedStableAndNotThePlainValue() {
        byte[] key = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
        Redaction one = new Redaction(Redaction.AddressMode.HASH, Redaction.UserNameMode.HASH, key);
        Redaction other = new Redaction(
                Redaction.AddressMode.HASH,
                Redaction.UserNameMode.HASH,
                "another-key-0123456789".getBytes(StandardCharsets.UTF_8));

        assertThat(one.address("192.0.2.17")).hasSize(32).isEqualTo(one.address("192.0.2.17"));
        assertThat(one.address("192.0.2.17")).isNotEqualTo(other.address("192.0.2.17"));
        assertThat(one.userName("Alice")).isEqualTo(one.userName("alice")).doesNotContain("alice");
    }

    @Test
    void redactionWhenHashWithoutKeyThenRefusedNamingTheProblem() {
        assertThatThrownBy(() -> new Redaction(Redaction.AddressMode.HASH, Redaction.UserNameMode.PLAIN, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pseudonym key of at least 16 bytes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> group(Map<String, Object> record, String name) {
        assertThat(record).containsKey(name);
        return (Map<String, Object>) record.get(name);
    }

    @Test
    void toJsonWhenRecordIsRandomThenWritesExactlyWhatJacksonsDataBinderWrites() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        for (int i = 1; i <= 500; i++) {
            SplittableRandom random = new SplittableRandom(JsonFuzz.SEED + i);
            Map<String, Object> record = randomObject(random, 4);

            assertThat(AuditRecords.toJson(record))
                    .as("sample %d (seed %d)", i, JsonFuzz.SEED)
                    .isEqualTo(jackson.writeValueAsString(record));
        }
    }

    @Test
    void toJsonWhenRecordsAreRealThenWritesExactlyWhatJacksonsDataBinderWrites() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        Map<String, Object> user = AuditRecords.of(loginError(), Redaction.plain());
        AdminEvent event = new AdminEvent();
        event.setId("admin-event-2");
        event.setTime(1_767_225_600_123L);
        event.setRealmId("realm-id");
        event.setRealmName("d\u00e9mo \"quoted\"\n");
        event.setOperationType(OperationType.UPDATE);
        event.setResourceType(ResourceType.CLIENT);
        event.setResourcePath("clients/abc");
        event.setRepresentation("{\"clientId\":\"svc\",\"enabled\":true,\"notBefore\":0,\"weight\":1.5,"
                + "\"big\":12345678901234567890,\"redirectUris\":[\"https://svc.example/cb\",null],"
                + "\"attributes\":{\"pkce.code.challenge.method\":\"S256\"}}");
        Map<String, Object> admin = AuditRecords.of(event, true, Redaction.plain());

        assertThat(AuditRecords.toJson(user)).isEqualTo(jackson.writeValueAsString(user));
        assertThat(AuditRecords.toJson(admin)).isEqualTo(jackson.writeValueAsString(admin));
    }

    @Test
    void toJsonWhenAKeyIsNullThenFailsAsBefore() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put(null, "x");

        assertThatThrownBy(() -> AuditRecords.toJson(record)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void timestampWhenRandomInstantsThenEqualsInstantToString() {
        SplittableRandom random = new SplittableRandom(JsonFuzz.SEED);
        long min =
                LocalDate.of(-2, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long max = LocalDate.of(10_001, 12, 31)
                .atStartOfDay()
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            // Every third one near now, where a day's prefix is reused; the others anywhere.
            long millis = i % 3 == 0
                    ? 1_796_000_000_000L + random.nextLong(-172_800_000L, 172_800_000L)
                    : random.nextLong(min, max);

            assertThat(AuditRecords.timestamp(millis))
                    .as("%d ms", millis)
                    .isEqualTo(Instant.ofEpochMilli(millis).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(
            longs = {
                0L,
                -1L,
                1L,
                999L,
                1_000L,
                86_399_999L,
                86_400_000L,
                -86_400_000L,
                -62_167_219_200_000L, // 0000-01-01T00:00:00Z
                -62_167_219_200_001L, // the last millisecond of year -1
                253_402_300_799_999L, // 9999-12-31T23:59:59.999Z
                253_402_300_800_000L, // 10000-01-01T00:00:00Z
                Long.MAX_VALUE / 1_000_000L
            })
    void timestampWhenEdgeInstantThenEqualsInstantToString(long millis) {
        assertThat(AuditRecords.timestamp(millis))
                .isEqualTo(Instant.ofEpochMilli(millis).toString());
    }

    private static Map<String, Object> randomObject(RandomGenerator random, int depth) {
        Map<String, Object> object = new LinkedHashMap<>();
        int fields = random.nextInt(0, 8);
        for (int i = 0; i < fields; i++) {
            object.put(
                    random.nextBoolean() ? JsonFuzz.anyChars(random, 0, 12) : "k" + i, randomValue(random, depth - 1));
        }
        return object;
    }

    private static Object randomValue(RandomGenerator random, int depth) {
        int kind = random.nextInt(depth > 0 ? 11 : 9);
        return switch (kind) {
            case 0, 1 -> JsonFuzz.anyText(random);
            case 2 -> random.nextInt();
            case 3 -> random.nextLong();
            case 4 -> random.nextBoolean();
            case 5 -> null;
            // Types the generator does not write itself: written by the data binder.
            case 6 -> random.nextDouble(-1e9, 1e9);
            case 7 -> new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(0, 6));
            case 8 -> new String[] {JsonFuzz.anyChars(random, 0, 5), "x"};
            case 9 -> randomObject(random, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int size = random.nextInt(0, 5);
                for (int i = 0; i < size; i++) {
                    list.add(randomValue(random, depth - 1));
                }
                yield list;
            }
        };
    }
}
