package dev.apiguard.keycloak.realmaudit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.AuthenticationExecutionExportRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;

/**
 * The parts of Keycloak 26's built-in flows that the flow checks read, for realm files that
 * declare no flows (Keycloak creates them at import): the browser flow asks for OTP only from
 * users who configured it, and the reset-credentials flow resets OTP after an e-mail link instead
 * of verifying it.
 */
final class KeycloakDefaultFlows {

    private static final Map<String, AuthenticationFlowRepresentation> FLOWS = Map.of(
            "browser",
                    flow(
                            "browser",
                            step("auth-cookie", "ALTERNATIVE"),
                            step("auth-spnego", "DISABLED"),
                            step("identity-provider-redirector", "ALTERNATIVE"),
                            subflow("forms", "ALTERNATIVE")),
            "forms",
                    flow(
                            "forms",
                            step("auth-username-password-form", "REQUIRED"),
                            subflow("Browser - Conditional 2FA", "CONDITIONAL")),
            "Browser - Conditional 2FA",
                    flow(
                            "Browser - Conditional 2FA",
                            step("conditional-user-configured", "REQUIRED"),
                            step("auth-otp-form", "ALTERNATIVE"),
                            step("webauthn-authenticator", "DISABLED"),
                            step("auth-recovery-authn-code-form", "DISABLED")),
            "reset credentials",
                    flow(
                            "reset credentials",
                            step("reset-credentials-choose-user", "REQUIRED"),
                            step("reset-credential-email", "REQUIRED"),
                            step("reset-password", "REQUIRED"),
                            subflow("Reset - Conditional OTP", "CONDITIONAL")),
            "Reset - Conditional OTP",
                    flow(
                            "Reset - Conditional OTP",
                            step("conditional-user-configured", "REQUIRED"),
                            step("reset-otp", "REQUIRED")),
            "direct grant",
                    flow(
                            "direct grant",
                            step("direct-grant-validate-username", "REQUIRED"),
                            step("direct-grant-validate-password", "REQUIRED"),
                            subflow("Direct Grant - Conditional OTP", "CONDITIONAL")),
            "Direct Grant - Conditional OTP",
                    flow(
                            "Direct Grant - Conditional OTP",
                            step("conditional-user-configured", "REQUIRED"),
                            step("direct-grant-validate-otp", "REQUIRED")),
            "first broker login",
                    flow(
                            "first broker login",
                            step("idp-review-profile", "REQUIRED"),
                            step("idp-create-user-if-unique", "ALTERNATIVE"),
                            step("idp-confirm-link", "ALTERNATIVE")));

    private KeycloakDefaultFlows() {}

    static AuthenticationFlowRepresentation get(String alias) {
        return FLOWS.get(alias);
    }

    private static AuthenticationFlowRepresentation flow(
            String alias, AuthenticationExecutionExportRepresentation... steps) {
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(alias);
        flow.setTopLevel(!alias.contains(" - ") && !"forms".equals(alias));
        flow.setBuiltIn(true);
        flow.setProviderId("basic-flow");
        flow.setAuthenticationExecutions(new ArrayList<>(List.of(steps)));
        return flow;
    }

    private static AuthenticationExecutionExportRepresentation step(String authenticator, String requirement) {
        AuthenticationExecutionExportRepresentation step = new AuthenticationExecutionExportRepresentation();
        step.setAuthenticator(authenticator);
        step.setRequirement(requirement);
        step.setAuthenticatorFlow(false);
        return step;
    }

    private static AuthenticationExecutionExportRepresentation subflow(String alias, String requirement) {
        AuthenticationExecutionExportRepresentation step = new AuthenticationExecutionExportRepresentation();
        step.setFlowAlias(alias);
        step.setRequirement(requirement);
        step.setAuthenticatorFlow(true);
        return step;
    }
}
