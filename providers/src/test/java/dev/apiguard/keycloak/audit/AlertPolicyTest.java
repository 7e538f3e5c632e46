package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

class AlertPolicyTest {

    @Test
    void defaultsWhenNoDocumentThenEveryDetectorOnWithItsThresholds() {
        AlertPolicy d = AlertPolicy.DEFAULTS;

        assertThat(d.detectors().keySet()).containsExactlyInAnyOrderElementsOf(AlertPolicy.NAMES);
        assertThat(d.on(AlertPolicy.CREDENTIAL_STUFFING).threshold()).isEqualTo(10);
        assertThat(d.on(AlertPolicy.CREDENTIAL_STUFFING).windowMillis()).isEqualTo(300_000);
        assertThat(d.on(AlertPolicy.PASSWORD_SPRAYING).maxAttemptsPerUser()).isEqualTo(2);
        assertThat(d.on(AlertPolicy.TOKEN_ERRORS).per()).isEqualTo("client");
        assertThat(d.on(AlertPolicy.ADMIN_ROLE_GRANT).roles()).contains("realm-admin", "manage-users");
    }

    @Test
    void parseWhenDetectorTunedThenOthersKeepTheirDefaults() throws Exception {
        AlertPolicy p = AlertPolicy.parse("{\"apiVersion\":\"apiguard/v1\",\"detectors\":{"
                + "\"credential-stuffing\":{\"threshold\":3,\"window\":\"90s\",\"severity\":\"critical\"},"
                + "\"admin-role-grant\":{\"roles\":[\"ops-admin\"]},"
                + "\"second-factor-removed\":{\"enabled\":false}}}");

        assertThat(p.on(AlertPolicy.CREDENTIAL_STUFFING).threshold()).isEqualTo(3);
        assertThat(p.on(AlertPolicy.CREDENTIAL_STUFFING).windowMillis()).isEqualTo(90_000);
        assertThat(p.on(AlertPolicy.CREDENTIAL_STUFFING).severity()).isEqualTo("critical");
        assertThat(p.on(AlertPolicy.ADMIN_ROLE_GRANT).roles()).containsExactly("ops-admin");
        assertThat(p.on(AlertPolicy.SECOND_FACTOR_REMOVED)).isNull();
        assertThat(p.on(AlertPolicy.USER_FAILURES)).isEqualTo(AlertPolicy.DEFAULTS.on(AlertPolicy.USER_FAILURES));
    }

    @Test
    void parseWhenManyProblemsThenEveryOneNamedWithItsPath() {
        assertThatThrownBy(() -> AlertPolicy.parse("{\"apiVersion\":\"apiguard/v2\",\"colour\":1,\"detectors\":{"
                        + "\"credential-stuffing\":{\"threshold\":0,\"window\":\"5 minutes\",\"per\":\"client\"},"
                        + "\"brute-force\":{},"
                        + "\"token-errors\":{\"per\":\"user\",\"severity\":\"urgent\"},"
                        + "\"client-redirect\":{\"redirectBaseline\":[\"https://*.example.com\"]},"
                        + "\"admin-role-grant\":{\"roles\":[]}}}"))
                .isInstanceOfSatisfying(
                        AlertPolicy.Invalid.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(p -> assertThat(p).startsWith("apiVersion: must be \"apiguard/v1\""))
                                .anySatisfy(p -> assertThat(p).startsWith("colour: unknown field"))
                                .anySatisfy(
                                        p -> assertThat(p)
                                                .startsWith(
                                                        "detectors.credential-stuffing.threshold: must be a whole number from 1 to 1000, was 0"))
                                .anySatisfy(p -> assertThat(p).startsWith("detectors.credential-stuffing.window:"))
                                .anySatisfy(p ->
                                        assertThat(p).startsWith("detectors.credential-stuffing.per: unknown field"))
                                .anySatisfy(p -> assertThat(p).startsWith("detectors.brute-force: unknown detector"))
                                .anySatisfy(p ->
                                        assertThat(p).startsWith("detectors.token-errors.per: must be client or realm"))
                                .anySatisfy(p ->
                                        assertThat(p).startsWith("detectors.token-errors.severity: must be one of low"))
                                .anySatisfy(
                                        p -> assertThat(p).startsWith("detectors.client-redirect.redirectBaseline[0]:"))
                                .anySatisfy(p ->
                                        assertThat(p).startsWith("detectors.admin-role-grant.roles: must name 1 to"))
                                .hasSize(10));
    }

    @Test
    void parseWhenNotAnObjectOrNotJsonThenRefused() {
        assertThatThrownBy(() -> AlertPolicy.parse("[]")).isInstanceOf(AlertPolicy.Invalid.class);
        assertThatThrownBy(() -> AlertPolicy.parse("{")).isInstanceOf(AlertPolicy.Invalid.class);
        assertThatThrownBy(() -> AlertPolicy.parse("")).isInstanceOf(AlertPolicy.Invalid.class);
        assertThatThrownBy(() -> AlertPolicy.parse(
                        "{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"user-failures\":{\"window\":\"25h\"}}}"))
                .isInstanceOf(AlertPolicy.Invalid.class);
    }

    @Test
    void realmFileCheckWhenDocumentBrokenThenProblemsNamedWithTheAttribute() {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setAttributes(
                java.util.Map.of(AlertPolicy.ATTRIBUTE, "{\"apiVersion\":\"apiguard/v1\",\"enabled\":\"yes\"}"));

        List<String> problems = RealmFileAlertCheck.problems(realm);

        assertThat(problems)
                .containsExactly("attribute apiguard.auditAlerts: enabled: must be true or false, was \"yes\"");
        realm.setAttributes(java.util.Map.of(AlertPolicy.ATTRIBUTE, "{\"apiVersion\":\"apiguard/v1\"}"));
        assertThat(RealmFileAlertCheck.problems(realm)).isEmpty();
    }
}
