package dev.apiguard.keycloak.realmaudit;

import dev.apiguard.keycloak.realmaudit.AuditedRealm.FlowStep;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.keycloak.representations.idm.AuthenticationExecutionExportRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * Checks over authentication flows: whether administrators can sign in without a second factor,
 * OTP offered instead of the password, a reset-credentials flow that gets around the second
 * factor, automatic linking of brokered accounts, an optional second factor, HTTP Basic
 * authentication. A realm file without flows is read with Keycloak's built-in ones.
 */
final class FlowChecks {

    private FlowChecks() {}

    static List<Check> all() {
        return List.of(
                new Check(
                        "flows.admin-without-second-factor",
                        Severity.HIGH,
                        "flows",
                        "Administrator roles reachable without a second factor",
                        "The realm grants realm-management roles (or is the master realm), yet its browser flow lets a user sign in with a password alone: one phished password administers the realm.",
                        "NIST SP 800-63B 4.2 (AAL2 needs two factors); OWASP API Security Top 10 2023 API2 and API5",
                        "Authentication > <browser flow>: make an OTP or WebAuthn step Required, or a Conditional sub-flow with condition 'Condition - user role' on the admin role; bind it as the browser flow.",
                        (realm, out) -> {
                            String alias = realm.browserFlowAlias();
                            if (realm.hasAdministrators() && !realm.guaranteesSecondFactor(alias, true)) {
                                out.report(
                                        "flow:" + alias,
                                        realm.flowPath(alias),
                                        "browser flow '" + alias
                                                + "' lets administrators sign in without a second factor");
                            }
                        }),
                new Check(
                        "flows.otp-alternative-to-password",
                        Severity.HIGH,
                        "flows",
                        "OTP offered as an alternative to the password",
                        "When an OTP or WebAuthn step is an Alternative next to the password, either one alone signs in: two single factors, not two factors.",
                        "NIST SP 800-63B 4.2 and 5.1.4; OWASP API Security Top 10 2023 API2",
                        "Authentication > <flow>: put the second factor after the password step as Required (or in a Conditional sub-flow), not as its Alternative.",
                        (realm, out) -> realm.declaredFlows().forEach(flow -> {
                            List<AuthenticationExecutionExportRepresentation> alternatives =
                                    flow.value().getAuthenticationExecutions() == null
                                            ? List.of()
                                            : flow.value().getAuthenticationExecutions().stream()
                                                    .filter(e -> "ALTERNATIVE".equals(e.getRequirement()))
                                                    .toList();
                            boolean password = alternatives.stream()
                                    .anyMatch(e -> AuditedRealm.in(AuditedRealm.PASSWORD, e.getAuthenticator())
                                            || e.isAuthenticatorFlow()
                                                    && realm.contains(e.getFlowAlias(), AuditedRealm.PASSWORD));
                            boolean otp = alternatives.stream()
                                    .anyMatch(e -> AuditedRealm.in(AuditedRealm.SECOND_FACTOR, e.getAuthenticator())
                                            && !"webauthn-authenticator-passwordless".equals(e.getAuthenticator()));
                            boolean required = flow.value().getAuthenticationExecutions() != null
                                    && flow.value().getAuthenticationExecutions().stream()
                                            .anyMatch(e -> "REQUIRED".equals(e.getRequirement())
                                                    && !AuditedRealm.isCondition(e));
                            if (password && otp && !required) {
                                out.report(
                                        "flow:" + flow.value().getAlias(),
                                        flow.path(),
                                        "flow '" + flow.value().getAlias()
                                                + "' accepts a second factor instead of the password");
                            }
                        })),
                new Check(
                        "flows.reset-credentials-bypasses-second-factor",
                        Severity.HIGH,
                        "flows",
                        "Password reset gets around the second factor",
                        "The browser flow asks for a second factor, but 'forgot password' signs the user in after an e-mail link without verifying it (Keycloak's default reset flow even removes the OTP): a mailbox compromise defeats the second factor.",
                        "NIST SP 800-63B 6.1.2.3 (replacement of a lost authenticator needs the remaining factor); OWASP API Security Top 10 2023 API2",
                        "Authentication > <reset credentials flow>: add a Required OTP Form (or WebAuthn) step after the e-mail step, or turn off Realm settings > Login > Forgot password (resetPasswordAllowed).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().isResetPasswordAllowed())
                                    || !realm.contains(realm.browserFlowAlias(), AuditedRealm.SECOND_FACTOR)) {
                                return;
                            }
                            String reset = realm.resetCredentialsFlowAlias();
                            Set<String> verifying =
                                    Set.of("auth-otp-form", "webauthn-authenticator", "auth-recovery-authn-code-form");
                            if (!realm.contains(reset, verifying)) {
                                out.report(
                                        "flow:" + reset,
                                        realm.flowPath(reset),
                                        "reset-credentials flow '" + reset + "' verifies no second factor");
                            }
                        }),
                new Check(
                        "flows.broker-auto-link",
                        Severity.HIGH,
                        "flows",
                        "Brokered logins linked to existing accounts automatically",
                        "The 'Automatically set existing user' step links an identity-provider login to the local account with the same e-mail or username, without asking for its password: whoever controls that claim at the provider takes over the account.",
                        "OWASP API Security Top 10 2023 API2; Keycloak Server Administration Guide, first login flow (idp-auto-link)",
                        "Authentication > <first broker login flow>: replace idp-auto-link by idp-confirm-link and idp-username-password-form (Verify existing account by re-authentication).",
                        (realm, out) -> {
                            Set<String> aliases = new LinkedHashSet<>();
                            aliases.add(realm.firstBrokerLoginFlowAlias());
                            List<IdentityProviderRepresentation> providers =
                                    realm.rep().getIdentityProviders();
                            if (providers != null) {
                                providers.forEach(p -> {
                                    if (p.getFirstBrokerLoginFlowAlias() != null) {
                                        aliases.add(p.getFirstBrokerLoginFlowAlias());
                                    }
                                    if (p.getPostBrokerLoginFlowAlias() != null) {
                                        aliases.add(p.getPostBrokerLoginFlowAlias());
                                    }
                                });
                            }
                            for (String alias : aliases) {
                                if (realm.contains(alias, Set.of("idp-auto-link"))) {
                                    out.report(
                                            "flow:" + alias,
                                            realm.flowPath(alias),
                                            "flow '" + alias + "' links accounts automatically (idp-auto-link)");
                                }
                            }
                        }),
                new Check(
                        "flows.second-factor-optional",
                        Severity.LOW,
                        "flows",
                        "Second factor only for users who set one up",
                        "The browser flow asks for OTP only from users who configured it (Keycloak's default): most users sign in with a password alone, and nothing makes them enrol.",
                        "NIST SP 800-63B 4.2; OWASP API Security Top 10 2023 API2",
                        "Authentication > Required actions > Configure OTP: Default action on; or make the second factor Required in the browser flow, or require it by level of authentication for sensitive scopes (API Guard step-up).",
                        (realm, out) -> {
                            String alias = realm.browserFlowAlias();
                            List<FlowStep> steps = realm.steps(alias);
                            boolean secondFactor = steps.stream()
                                    .anyMatch(s -> AuditedRealm.in(
                                            AuditedRealm.SECOND_FACTOR,
                                            s.execution().getAuthenticator()));
                            if (!secondFactor || realm.guaranteesSecondFactor(alias, false)) {
                                return;
                            }
                            boolean onlyUserConfigured = steps.stream()
                                    .filter(s -> AuditedRealm.in(
                                            AuditedRealm.SECOND_FACTOR,
                                            s.execution().getAuthenticator()))
                                    .allMatch(s -> onlyConditionIsUserConfigured(s.flow()));
                            if (onlyUserConfigured) {
                                out.report(
                                        "flow:" + alias,
                                        realm.flowPath(alias),
                                        "browser flow '" + alias
                                                + "' asks for a second factor only from users who configured one");
                            }
                        }),
                new Check(
                        "flows.http-basic",
                        Severity.MEDIUM,
                        "flows",
                        "HTTP Basic authentication in a flow",
                        "HTTP Basic sends the password with every request and offers no second factor. Only flows in use count: the realm's bindings, clients' flow overrides, and Keycloak's 'saml ecp' flow when a SAML client allows ECP.",
                        "RFC 9700 2.4 (no password-based grants); NIST SP 800-63B 5.1.1.2",
                        "Authentication > <flow>: remove or disable the HTTP Basic Authentication (http-basic-authenticator) step.",
                        (realm, out) -> {
                            Set<String> reachable = new LinkedHashSet<>();
                            for (String bound : realm.reachableFlows()) {
                                realm.steps(bound).forEach(step -> {
                                    if ("http-basic-authenticator"
                                            .equals(step.execution().getAuthenticator())) {
                                        reachable.add(step.flow().getAlias());
                                    }
                                });
                            }
                            realm.declaredFlows().forEach(flow -> {
                                List<AuthenticationExecutionExportRepresentation> executions =
                                        flow.value().getAuthenticationExecutions();
                                for (int i = 0; executions != null && i < executions.size(); i++) {
                                    if (reachable.contains(flow.value().getAlias())
                                            && AuditedRealm.enabled(executions.get(i))
                                            && "http-basic-authenticator"
                                                    .equals(executions.get(i).getAuthenticator())) {
                                        out.report(
                                                "flow:" + flow.value().getAlias(),
                                                flow.path() + ".authenticationExecutions[" + i + "]",
                                                "flow '" + flow.value().getAlias()
                                                        + "' uses HTTP Basic authentication");
                                    }
                                }
                            });
                        }));
    }

    private static boolean onlyConditionIsUserConfigured(AuthenticationFlowRepresentation flow) {
        if (flow.getAuthenticationExecutions() == null) {
            return false;
        }
        List<String> conditions = flow.getAuthenticationExecutions().stream()
                .filter(AuditedRealm::enabled)
                .filter(AuditedRealm::isCondition)
                .map(AuthenticationExecutionExportRepresentation::getAuthenticator)
                .toList();
        // Keycloak 26.7's default adds conditional-credential (skip when the user signed in with a passkey).
        return conditions.contains("conditional-user-configured")
                && conditions.stream()
                        .allMatch(c -> c.equals("conditional-user-configured") || c.equals("conditional-credential"));
    }
}
