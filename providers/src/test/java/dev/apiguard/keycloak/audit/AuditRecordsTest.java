package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
}
