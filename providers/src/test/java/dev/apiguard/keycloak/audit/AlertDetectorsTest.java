package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

/**
 * Each detector on records built by {@link AuditRecords} from Keycloak events, as the outbox holds
 * them: it fires on an attack sequence, once per window, and stays silent on benign traffic.
 */
class AlertDetectorsTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String REALM = "realm-id";
    private static final String NAT = "198.51.100.7";

    private final AlertDetectors detectors = new AlertDetectors();
    private final AlertPolicy policy = AlertPolicy.DEFAULTS;

    // ---- events ---------------------------------------------------------------------------------

    private static Map<String, Object> user(EventType type, String user, String address, String error, long time) {
        Event event = new Event();
        event.setId(UUID.randomUUID().toString());
        event.setTime(time);
        event.setType(type);
        event.setRealmId(REALM);
        event.setRealmName("demo");
        event.setClientId("web");
        if (!"user_not_found".equals(error)) {
            event.setUserId("id-" + user);
        }
        event.setIpAddress(address);
        event.setError(error);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("username", user);
        event.setDetails(details);
        return AuditRecords.of(event, Redaction.plain());
    }

    private static Map<String, Object> loginFailure(String user, String address, long time) {
        return user(EventType.LOGIN_ERROR, user, address, "invalid_user_credentials", time);
    }

    private static Map<String, Object> login(String user, String address, long time) {
        return user(EventType.LOGIN, user, address, null, time);
    }

    private static Map<String, Object> tokenError(String client, String error, long time) {
        Event event = new Event();
        event.setId(UUID.randomUUID().toString());
        event.setTime(time);
        event.setType(EventType.CLIENT_LOGIN_ERROR);
        event.setRealmId(REALM);
        event.setRealmName("demo");
        event.setClientId(client);
        event.setIpAddress(NAT);
        event.setError(error);
        return AuditRecords.of(event, Redaction.plain());
    }

    private static Map<String, Object> admin(
            OperationType op, ResourceType resource, String path, String representation) {
        AdminEvent event = new AdminEvent();
        event.setId(UUID.randomUUID().toString());
        event.setTime(T0);
        event.setRealmId(REALM);
        event.setRealmName("demo");
        event.setOperationType(op);
        event.setResourceType(resource);
        event.setResourcePath(path);
        AuthDetails auth = new AuthDetails();
        auth.setRealmId("master-id");
        auth.setUserId("admin-1");
        auth.setIpAddress("127.0.0.1");
        event.setAuthDetails(auth);
        event.setRepresentation(representation);
        return AuditRecords.of(event, true, Redaction.plain());
    }

    private List<AlertDetectors.Alert> feed(AlertPolicy with, List<Map<String, Object>> records) {
        List<AlertDetectors.Alert> alerts = new ArrayList<>();
        for (Map<String, Object> record : records) {
            long time =
                    java.time.Instant.parse((String) record.get("@timestamp")).toEpochMilli();
            alerts.addAll(detectors.observe(REALM, record, time, with, true));
        }
        return alerts;
    }

    private static List<AlertDetectors.Alert> of(List<AlertDetectors.Alert> alerts, String detector) {
        return alerts.stream().filter(a -> a.detector().equals(detector)).toList();
    }

    // ---- credential stuffing, spraying, user failures -------------------------------------------

    @Test
    void credentialStuffingWhenOneAddressFailsForTenUsersThenOneHighAlertOnTheAddress() {
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            attack.add(loginFailure("victim" + i, NAT, T0 + i * 1000L));
        }

        List<AlertDetectors.Alert> alerts = of(feed(policy, attack), AlertPolicy.CREDENTIAL_STUFFING);

        assertThat(alerts).hasSize(1);
        AlertDetectors.Alert alert = alerts.get(0);
        assertThat(alert.severity()).isEqualTo("high");
        assertThat(alert.keyKind()).isEqualTo("address");
        assertThat(alert.key()).isEqualTo(NAT);
        assertThat(alert.count()).isEqualTo(10);
        assertThat(alert.windowMillis()).isEqualTo(300_000);
    }

    @Test
    void credentialStuffingWhenTheAttackGoesOnPastTheWindowThenASecondAlert() {
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            attack.add(loginFailure("a" + i, NAT, T0 + i * 1000L));
        }
        for (int i = 0; i < 10; i++) {
            attack.add(loginFailure("b" + i, NAT, T0 + 400_000L + i * 1000L));
        }

        assertThat(of(feed(policy, attack), AlertPolicy.CREDENTIAL_STUFFING)).hasSize(2);
    }

    @Test
    void credentialStuffingWhenUnknownUsersThenCountedByTheNameTyped() {
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            attack.add(user(EventType.LOGIN_ERROR, "nobody" + i, NAT, "user_not_found", T0 + i));
        }

        assertThat(of(feed(policy, attack), AlertPolicy.CREDENTIAL_STUFFING)).hasSize(1);
    }

    @Test
    void loginDetectorsWhenManyUsersLogInFromOneNatAddressAndOneMistypesOnceThenSilent() {
        List<Map<String, Object>> benign = new ArrayList<>();
        benign.add(loginFailure("alice", NAT, T0));
        benign.add(login("alice", NAT, T0 + 5_000));
        for (int i = 0; i < 200; i++) {
            benign.add(login("employee" + i, NAT, T0 + 10_000 + i * 100L));
        }
        // a few colleagues mistype too, far fewer than the thresholds
        for (int i = 0; i < 4; i++) {
            benign.add(loginFailure("employee" + i, NAT, T0 + 60_000 + i * 1000L));
        }

        assertThat(feed(policy, benign)).isEmpty();
    }

    @Test
    void credentialStuffingWhenFailuresSpreadOverTimeThenWindowExpiresThemAndSilent() {
        List<Map<String, Object>> slow = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            slow.add(loginFailure("user" + i, NAT, T0 + i * 60_000L)); // one a minute: at most 5 in 5 minutes
        }

        assertThat(of(feed(policy, slow), AlertPolicy.CREDENTIAL_STUFFING)).isEmpty();
    }

    @Test
    void passwordSprayingWhenOneAddressTriesTwentyUsersTwiceEachOverAnHourThenOneAlert() {
        List<Map<String, Object>> spray = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 20; i++) {
                // one attempt every 80 s: never 10 users in 5 minutes, so no stuffing alert
                spray.add(loginFailure("user" + i, NAT, T0 + (round * 20L + i) * 80_000L));
            }
        }

        List<AlertDetectors.Alert> alerts = feed(policy, spray);

        assertThat(of(alerts, AlertPolicy.PASSWORD_SPRAYING)).hasSize(1);
        assertThat(of(alerts, AlertPolicy.PASSWORD_SPRAYING).get(0).key()).isEqualTo(NAT);
        assertThat(of(alerts, AlertPolicy.CREDENTIAL_STUFFING)).isEmpty();
    }

    @Test
    void passwordSprayingWhenEachUserTriedManyTimesThenNotSprayingButUserFailures() {
        List<Map<String, Object>> bruteForce = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            for (int attempt = 0; attempt < 6; attempt++) {
                bruteForce.add(loginFailure("user" + i, NAT, T0 + (i * 6L + attempt) * 20_000L));
            }
        }

        List<AlertDetectors.Alert> alerts = feed(policy, bruteForce);

        assertThat(of(alerts, AlertPolicy.PASSWORD_SPRAYING)).isEmpty();
        assertThat(of(alerts, AlertPolicy.CREDENTIAL_STUFFING)).isEmpty();
        assertThat(of(alerts, AlertPolicy.USER_FAILURES)).hasSize(25);
    }

    @Test
    void userFailuresWhenFiveFailuresForOneUserFromManyAddressesThenOneAlertOnTheUser() {
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attack.add(loginFailure("alice", "203.0.113." + i, T0 + i * 10_000L));
        }

        List<AlertDetectors.Alert> alerts = of(feed(policy, attack), AlertPolicy.USER_FAILURES);

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).keyKind()).isEqualTo("user");
        assertThat(alerts.get(0).key()).isEqualTo("alice");
        assertThat(alerts.get(0).facts()).containsEntry("user_id", "id-alice");
    }

    @Test
    void userFailuresWhenFourFailuresThenSilent() {
        List<Map<String, Object>> mistypes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            mistypes.add(loginFailure("alice", NAT, T0 + i * 10_000L));
        }
        mistypes.add(login("alice", NAT, T0 + 50_000L));

        assertThat(feed(policy, mistypes)).isEmpty();
    }

    // ---- token errors, refresh-token reuse, rate limits ----------------------------------------

    @Test
    void tokenErrorsWhenFiftyClientErrorsInAMinuteThenOneAlertOnTheClient() {
        List<Map<String, Object>> burst = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            burst.add(tokenError("svc", "invalid_client_credentials", T0 + i * 400L));
        }

        List<AlertDetectors.Alert> alerts = of(feed(policy, burst), AlertPolicy.TOKEN_ERRORS);

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).keyKind()).isEqualTo("client");
        assertThat(alerts.get(0).key()).isEqualTo("svc");
        assertThat(alerts.get(0).count()).isEqualTo(50);
    }

    @Test
    void tokenErrorsWhenSpreadOrRateLimitedThenSilent() {
        List<Map<String, Object>> traffic = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            traffic.add(tokenError("svc", "invalid_client_credentials", T0 + i * 5_000L)); // 12 a minute
            traffic.add(tokenError("svc", "rate_limited", T0 + i * 10L));
            traffic.add(tokenError("svc", "rate_limited_shadow", T0 + i * 10L));
            traffic.add(tokenError("svc", "rate_limit_warning", T0 + i * 10L));
        }

        assertThat(of(feed(policy, traffic), AlertPolicy.TOKEN_ERRORS)).isEmpty();
    }

    @Test
    void tokenErrorsWhenApiGuardDecidesThenEachRefusedRequestCountsOnceAndWithheldScopesNotAtAll() {
        List<Map<String, Object>> traffic = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long time = T0 + i * 1000L;
            // A reused refresh token: API Guard's record, then Keycloak's own refusal of the same request.
            traffic.add(user(EventType.REFRESH_TOKEN_ERROR, "alice", NAT, "refresh_token_reused", time));
            traffic.add(user(EventType.REFRESH_TOKEN_ERROR, "alice", NAT, "invalid_grant", time + 1));
            // A granted request whose administrative scope step-up withheld.
            traffic.add(user(EventType.CODE_TO_TOKEN_ERROR, "alice", NAT, "step_up_required", time + 2));
        }

        assertThat(of(feed(policy, traffic), AlertPolicy.TOKEN_ERRORS))
                .as("30 refused requests, below the threshold of 50")
                .isEmpty();

        List<Map<String, Object>> more = new ArrayList<>();
        for (int i = 30; i < 50; i++) {
            more.add(user(EventType.REFRESH_TOKEN_ERROR, "alice", NAT, "invalid_grant", T0 + i * 1000L));
        }
        assertThat(of(feed(policy, more), AlertPolicy.TOKEN_ERRORS))
                .as("20 more refused requests within the minute: 50")
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.key()).isEqualTo("web");
                    assertThat(a.count()).isEqualTo(50);
                });
    }

    @Test
    void tokenErrorsWhenPerRealmThenErrorsOfManyClientsAddUp() throws Exception {
        AlertPolicy perRealm = AlertPolicy.parse("{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"token-errors\":"
                + "{\"per\":\"realm\",\"threshold\":10,\"window\":\"1m\"}}}");
        List<Map<String, Object>> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(tokenError("client" + i, "invalid_client_credentials", T0 + i));
        }

        List<AlertDetectors.Alert> alerts = of(feed(perRealm, burst), AlertPolicy.TOKEN_ERRORS);

        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.key()).isEqualTo("realm"));
    }

    @Test
    void refreshTokenReuseWhenReusedThenOneHighAlertPerUserAndWindow() {
        Map<String, Object> reuse = user(EventType.REFRESH_TOKEN_ERROR, "alice", NAT, "refresh_token_reused", T0);
        Map<String, Object> again =
                user(EventType.REFRESH_TOKEN_ERROR, "alice", NAT, "refresh_token_reused", T0 + 1000);
        Map<String, Object> ordinary = user(EventType.REFRESH_TOKEN, "bob", NAT, null, T0);

        List<AlertDetectors.Alert> alerts =
                of(feed(policy, List.of(ordinary, reuse, again)), AlertPolicy.REFRESH_TOKEN_REUSE);

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo("high");
            assertThat(a.key()).isEqualTo("id-alice");
        });
    }

    @Test
    void rateLimitSpikeWhenHundredRefusalsOfOneRuleThenOneAlertNamingTheRule() {
        List<Map<String, Object>> refusals = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Event event = new Event();
            event.setId(UUID.randomUUID().toString());
            event.setTime(T0 + i * 100L);
            event.setType(EventType.CLIENT_LOGIN_ERROR);
            event.setRealmId(REALM);
            event.setRealmName("demo");
            event.setClientId("svc");
            event.setError("rate_limited");
            event.setDetails(Map.of("apiguard_rule", "per-client", "apiguard_key", "svc"));
            refusals.add(AuditRecords.of(event, Redaction.plain()));
        }

        List<AlertDetectors.Alert> alerts = feed(policy, refusals);

        // The limiter's refusal is a decision of its own in the stream, with its rule (not its key) kept.
        assertThat(AlertDetectors.text(refusals.get(0), "apiguard", "decision")).isEqualTo("rate_limit_refusal");
        assertThat(AlertDetectors.text(refusals.get(0), "keycloak", "details", "apiguard_rule"))
                .isEqualTo("per-client");
        assertThat(AlertDetectors.text(refusals.get(0), "keycloak", "details", "apiguard_key"))
                .isNull();
        assertThat(of(alerts, AlertPolicy.RATE_LIMIT_SPIKE)).singleElement().satisfies(a -> {
            assertThat(a.keyKind()).isEqualTo("rule");
            assertThat(a.key()).isEqualTo("per-client");
        });
        assertThat(of(alerts, AlertPolicy.TOKEN_ERRORS)).isEmpty();
    }

    @Test
    void rateLimitSpikeWhenFewRefusalsThenSilent() {
        List<Map<String, Object>> refusals = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            refusals.add(tokenError("svc", "rate_limited", T0 + i * 100L));
        }

        assertThat(feed(policy, refusals)).isEmpty();
    }

    // ---- admin changes and second factors -----------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "*, false, true",
        "https://*.example.com/cb, false, true",
        "https://app.example.com*, false, true",
        "http*, false, true",
        "https://app.example.com/*, false, false",
        "https://app.example.com/*, true, true",
        "https://app.example.com/cb, true, false",
        "/relative/*, false, true"
    })
    void wildcardWhenUriThenDangerousUnlessATrailingPathWildcardIsAllowed(
            String uri, boolean pathWildcardRefused, boolean expected) {
        assertThat(AlertDetectors.wildcard(uri, !pathWildcardRefused)).isEqualTo(expected);
    }

    @Test
    void clientRedirectWhenClientCreatedWithStarThenOneHighAlertNamingTheClientAndUri() {
        Map<String, Object> created = admin(
                OperationType.CREATE,
                ResourceType.CLIENT,
                "clients/1",
                "{\"clientId\":\"evil\",\"redirectUris\":[\"https://ok.example/cb\",\"*\"]}");

        List<AlertDetectors.Alert> alerts = feed(policy, List.of(created));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.detector()).isEqualTo(AlertPolicy.CLIENT_REDIRECT);
            assertThat(a.key()).isEqualTo("evil");
            assertThat(a.facts()).containsEntry("wildcard_redirect_uris", List.of("*"));
        });
    }

    @Test
    void clientRedirectWhenOutsideTheBaselineThenAlertElseSilent() throws Exception {
        AlertPolicy baseline = AlertPolicy.parse("{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"client-redirect\":"
                + "{\"redirectBaseline\":[\"https://app.example.com/\"]}}}");
        Map<String, Object> inside = admin(
                OperationType.UPDATE,
                ResourceType.CLIENT,
                "clients/1",
                "{\"clientId\":\"web\",\"redirectUris\":[\"https://app.example.com/cb\"]}");
        Map<String, Object> outside = admin(
                OperationType.UPDATE,
                ResourceType.CLIENT,
                "clients/1",
                "{\"clientId\":\"web\",\"redirectUris\":[\"https://attacker.example/cb\"]}");

        assertThat(feed(baseline, List.of(inside))).isEmpty();
        assertThat(feed(baseline, List.of(outside)))
                .singleElement()
                .satisfies(a -> assertThat(a.facts())
                        .containsEntry("off_baseline_redirect_uris", List.of("https://attacker.example/cb")));
        assertThat(feed(policy, List.of(outside))).isEmpty();
    }

    @Test
    void adminRoleGrantWhenRealmAdminGrantedToAUserThenOneAlertNamingTheGranteeAndRole() {
        Map<String, Object> grant = admin(
                OperationType.CREATE,
                ResourceType.CLIENT_ROLE_MAPPING,
                "users/u-42/role-mappings/clients/rm-uuid",
                "[{\"id\":\"r1\",\"name\":\"realm-admin\",\"clientRole\":true}]");
        Map<String, Object> ordinary = admin(
                OperationType.CREATE,
                ResourceType.REALM_ROLE_MAPPING,
                "users/u-42/role-mappings/realm",
                "[{\"id\":\"r2\",\"name\":\"api-user\",\"clientRole\":false}]");

        List<AlertDetectors.Alert> alerts = feed(policy, List.of(ordinary, grant));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.detector()).isEqualTo(AlertPolicy.ADMIN_ROLE_GRANT);
            assertThat(a.keyKind()).isEqualTo("user");
            assertThat(a.key()).isEqualTo("u-42");
            assertThat(a.facts()).containsEntry("roles", List.of("realm-admin"));
        });
    }

    @Test
    void adminRoleGrantWhenRoleRemovedThenSilent() {
        Map<String, Object> removed = admin(
                OperationType.DELETE,
                ResourceType.CLIENT_ROLE_MAPPING,
                "users/u-42/role-mappings/clients/rm-uuid",
                "[{\"id\":\"r1\",\"name\":\"realm-admin\",\"clientRole\":true}]");

        assertThat(feed(policy, List.of(removed))).isEmpty();
    }

    /** An administrator's {@code DELETE users/{id}/credentials/{id}} as Keycloak 26.7 records it (operation ACTION). */
    private static Map<String, Object> adminCredentialDelete(OperationType op, String user, String credentialType) {
        AdminEvent event = new AdminEvent();
        event.setId(UUID.randomUUID().toString());
        event.setTime(T0);
        event.setRealmId(REALM);
        event.setRealmName("demo");
        event.setOperationType(op);
        event.setResourceType(ResourceType.USER);
        event.setResourcePath("users/" + user + "/credentials/c-1");
        AuthDetails auth = new AuthDetails();
        auth.setRealmId("master-id");
        auth.setUserId("admin-1");
        auth.setIpAddress("127.0.0.1");
        event.setAuthDetails(auth);
        event.setDetails(Map.of("credential_id", "c-1", "credential_type", credentialType));
        return AuditRecords.of(event, true, Redaction.plain());
    }

    /** A user's own removal of a credential as Keycloak 26.7 records it: REMOVE_TOTP (for OTP) then REMOVE_CREDENTIAL. */
    private static List<Map<String, Object>> userRemoval(String user, String credentialType) {
        List<Map<String, Object>> events = new ArrayList<>();
        List<EventType> types = "otp".equals(credentialType)
                ? List.of(EventType.REMOVE_TOTP, EventType.REMOVE_CREDENTIAL)
                : List.of(EventType.REMOVE_CREDENTIAL);
        for (EventType type : types) {
            Event event = new Event();
            event.setId(UUID.randomUUID().toString());
            event.setTime(T0);
            event.setType(type);
            event.setRealmId(REALM);
            event.setRealmName("demo");
            event.setClientId("account-console");
            event.setUserId("id-" + user);
            event.setDetails(Map.of("credential_type", credentialType, "credential_user_label", "phone"));
            events.add(AuditRecords.of(event, Redaction.plain()));
        }
        return events;
    }

    @Test
    void secondFactorRemovedWhenUserRemovesOtpThenOneAlertThoughKeycloakSendsTwoEvents() {
        List<AlertDetectors.Alert> alerts = feed(policy, userRemoval("alice", "otp"));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.detector()).isEqualTo(AlertPolicy.SECOND_FACTOR_REMOVED);
            assertThat(a.key()).isEqualTo("id-alice");
            assertThat(a.facts()).containsEntry("credential_type", "otp").containsEntry("by", "user");
        });
    }

    @Test
    void secondFactorRemovedWhenLegacyRemoveTotpWithoutTypeOrWebauthnRemovedThenAlerts() {
        Map<String, Object> legacy = user(EventType.REMOVE_TOTP, "alice", NAT, null, T0);

        List<AlertDetectors.Alert> alerts = new ArrayList<>(feed(policy, List.of(legacy)));
        alerts.addAll(feed(policy, userRemoval("bob", "webauthn")));

        assertThat(alerts).extracting(AlertDetectors.Alert::key).containsExactly("id-alice", "id-bob");
        assertThat(alerts).allSatisfy(a -> assertThat(a.detector()).isEqualTo(AlertPolicy.SECOND_FACTOR_REMOVED));
    }

    @ParameterizedTest
    @CsvSource({"ACTION, otp, true", "DELETE, otp, true", "ACTION, webauthn, true", "ACTION, password, false"})
    void secondFactorRemovedWhenAdministratorDeletesACredentialThenAlertsUnlessAPassword(
            OperationType op, String credentialType, boolean fires) {
        List<AlertDetectors.Alert> alerts = feed(policy, List.of(adminCredentialDelete(op, "u-7", credentialType)));

        if (fires) {
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.detector()).isEqualTo(AlertPolicy.SECOND_FACTOR_REMOVED);
                assertThat(a.keyKind()).isEqualTo("user");
                assertThat(a.key()).isEqualTo("u-7");
                assertThat(a.facts())
                        .containsEntry("by", "administrator")
                        .containsEntry("credential_type", credentialType)
                        .doesNotContainKey("grantee_id");
            });
        } else {
            assertThat(alerts).isEmpty();
        }
    }

    @Test
    void secondFactorRemovedWhenPasswordCredentialOrUserDeletedThenSilent() {
        Event event = new Event();
        event.setId("e1");
        event.setTime(T0);
        event.setType(EventType.REMOVE_CREDENTIAL);
        event.setRealmId(REALM);
        event.setUserId("u-1");
        event.setDetails(Map.of("credential_type", "password"));
        Map<String, Object> password = AuditRecords.of(event, Redaction.plain());
        Map<String, Object> userDeleted = admin(OperationType.DELETE, ResourceType.USER, "users/u-7", null);

        assertThat(feed(policy, List.of(password, userDeleted))).isEmpty();
    }

    // ---- policy switches, warm-up, bounds -------------------------------------------------------

    @Test
    void observeWhenDetectorDisabledOrRealmOffThenSilent() throws Exception {
        AlertPolicy off = AlertPolicy.parse(
                "{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"credential-stuffing\":"
                        + "{\"enabled\":false},\"password-spraying\":{\"enabled\":false},\"user-failures\":{\"enabled\":false}}}");
        AlertPolicy realmOff = AlertPolicy.parse("{\"apiVersion\":\"apiguard/v1\",\"enabled\":false}");
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            attack.add(loginFailure("victim" + i, NAT, T0 + i));
        }

        assertThat(feed(off, attack)).isEmpty();
        detectors.clear();
        assertThat(feed(realmOff, attack)).isEmpty();
    }

    @Test
    void observeWhenWarmingUpThenWindowsFilledButNothingEmitted() {
        for (int i = 0; i < 9; i++) {
            assertThat(detectors.observe(REALM, loginFailure("v" + i, NAT, T0 + i), T0 + i, policy, false))
                    .isEmpty();
        }

        List<AlertDetectors.Alert> alerts =
                detectors.observe(REALM, loginFailure("v9", NAT, T0 + 9), T0 + 9, policy, true);

        assertThat(of(alerts, AlertPolicy.CREDENTIAL_STUFFING)).hasSize(1);
    }

    @Test
    void observeAlertWhenAnAlertRecordWasSeenThenItsKeyStaysSilentForTheWindow() {
        AlertDetectors.Alert earlier = new AlertDetectors.Alert(
                AlertPolicy.CREDENTIAL_STUFFING, "high", "address", NAT, 10, 10, 300_000, "x", Map.of());
        detectors.observeAlert(REALM, AlertRecords.of(earlier, loginFailure("v", NAT, T0), "e", T0), T0);
        List<Map<String, Object>> attack = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            attack.add(loginFailure("victim" + i, NAT, T0 + 1000 + i));
        }

        assertThat(of(feed(policy, attack), AlertPolicy.CREDENTIAL_STUFFING)).isEmpty();
    }

    @Test
    void observeWhenMoreAddressesThanTheBoundThenTheMapsStayBounded() {
        for (int i = 0; i < AlertDetectors.MAX_KEYS + 500; i++) {
            String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            detectors.observe(REALM, loginFailure("u" + i, address, T0 + i), T0 + i, policy, true);
        }

        assertThat(detectors.keys(AlertPolicy.CREDENTIAL_STUFFING)).isEqualTo(AlertDetectors.MAX_KEYS);
        assertThat(detectors.keys(AlertPolicy.USER_FAILURES)).isEqualTo(AlertDetectors.MAX_KEYS);
    }
}
