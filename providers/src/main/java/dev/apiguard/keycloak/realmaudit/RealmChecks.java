package dev.apiguard.keycloak.realmaudit;

import static dev.apiguard.keycloak.realmaudit.AuditedRealm.orDefault;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Checks over realm settings: TLS, brute-force protection, events, token and session lifetimes,
 * refresh-token rotation, signature algorithm, password and OTP policy, registration, security
 * headers, SMTP and the adoption of API Guard's baseline. An absent setting is read as Keycloak
 * 26's default for it.
 */
final class RealmChecks {

    /** API Guard's realm ceiling attribute and its default (tokens/LifetimeCeilings). */
    static final String CEILING_ATTRIBUTE = "apiguard.accessTokenLifespanCeiling";

    static final long DEFAULT_CEILING = 300;

    private static final Set<String> FAPI_ALGORITHMS = ClientChecks.FAPI_ALGORITHMS;
    private static final Pattern LENGTH = Pattern.compile("(?:^|\\s|and\\s)length\\((\\d+)\\)");
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

    private RealmChecks() {}

    /** The realm's access-token ceiling: the attribute, else 300 s. */
    static long ceiling(AuditedRealm realm) {
        long value = AuditedRealm.seconds(realm.realmAttribute(CEILING_ATTRIBUTE), DEFAULT_CEILING);
        return value > 0 ? value : DEFAULT_CEILING;
    }

    private static String header(RealmRepresentation rep, String name, String keycloakDefault) {
        Map<String, String> headers = rep.getBrowserSecurityHeaders();
        if (headers == null || !headers.containsKey(name)) {
            return keycloakDefault;
        }
        return headers.get(name) == null ? "" : headers.get(name);
    }

    static List<Check> all() {
        return List.of(
                new Check(
                        "realm.ssl-not-required",
                        Severity.CRITICAL,
                        "realm",
                        "TLS not required",
                        "With sslRequired none, passwords, codes and tokens may travel over plain HTTP from any address.",
                        "RFC 9700 2.1 and 4.1; OAuth 2.1 (draft) 1.5; RFC 6749 10.9",
                        "Realm settings > General > Require SSL: all requests (sslRequired: all).",
                        (realm, out) -> {
                            if ("none".equalsIgnoreCase(realm.rep().getSslRequired())) {
                                out.report("realm", "$.sslRequired", "sslRequired is none");
                            }
                        }),
                new Check(
                        "realm.ssl-external-only",
                        Severity.LOW,
                        "realm",
                        "TLS not required for private addresses",
                        "sslRequired external (Keycloak's default) lets clients on private networks (10/8, 172.16/12, 192.168/16) use plain HTTP: an internal attacker reads codes and tokens.",
                        "RFC 9700 2.1; OAuth 2.1 (draft) 1.5",
                        "Realm settings > General > Require SSL: all requests (sslRequired: all).",
                        (realm, out) -> {
                            String ssl = realm.rep().getSslRequired();
                            if (ssl == null || "external".equalsIgnoreCase(ssl)) {
                                out.report(
                                        "realm",
                                        "$.sslRequired",
                                        "sslRequired is " + (ssl == null ? "external (Keycloak's default)" : ssl));
                            }
                        }),
                new Check(
                        "realm.brute-force-off",
                        Severity.HIGH,
                        "realm",
                        "Brute-force detection off",
                        "Without brute-force detection an attacker can try passwords and OTP codes without limit (Keycloak's default is off).",
                        "NIST SP 800-63B 5.2.2 (rate limiting); OWASP API Security Top 10 2023 API2 and API4",
                        "Realm settings > Security defenses > Brute force detection: Lockout temporarily (bruteForceProtected: true).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().isBruteForceProtected())) {
                                out.report("realm", "$.bruteForceProtected", "brute-force detection is off");
                            }
                        }),
                new Check(
                        "realm.brute-force-weak",
                        Severity.MEDIUM,
                        "realm",
                        "Brute-force detection allows many attempts",
                        "More than 100 consecutive failures before a lockout, or no growing wait, leaves online guessing practical.",
                        "NIST SP 800-63B 5.2.2 (no more than 100 consecutive failed attempts)",
                        "Realm settings > Security defenses > Brute force detection: Max login failures at most 10, Wait increment at least 60 s (failureFactor, waitIncrementSeconds).",
                        (realm, out) -> {
                            RealmRepresentation rep = realm.rep();
                            if (!AuditedRealm.isOn(rep.isBruteForceProtected())) {
                                return;
                            }
                            long failures = orDefault(rep.getFailureFactor(), 30);
                            if (failures > 100) {
                                out.report("realm", "$.failureFactor", "failureFactor is " + failures);
                            }
                            if (!AuditedRealm.isOn(rep.isPermanentLockout())
                                    && orDefault(rep.getWaitIncrementSeconds(), 60) <= 0) {
                                out.report(
                                        "realm",
                                        "$.waitIncrementSeconds",
                                        "waitIncrementSeconds is 0: failures cause no wait");
                            }
                        }),
                new Check(
                        "realm.events-off",
                        Severity.MEDIUM,
                        "realm",
                        "Login events not stored",
                        "Without stored events, failed logins, token misuse and account takeovers leave no trace to investigate or alert on.",
                        "OWASP API Security Top 10 2019 API10 (insufficient logging and monitoring); NIST SP 800-63B 5.2.2",
                        "Realm settings > Events > User events settings > Save events: on (eventsEnabled: true).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().isEventsEnabled())) {
                                out.report("realm", "$.eventsEnabled", "user events are not saved");
                            }
                        }),
                new Check(
                        "realm.login-errors-not-stored",
                        Severity.MEDIUM,
                        "realm",
                        "Failed logins not among the stored events",
                        "The stored event types leave out LOGIN_ERROR: password guessing goes unrecorded.",
                        "OWASP API Security Top 10 2019 API10; NIST SP 800-63B 5.2.2",
                        "Realm settings > Events > User events settings > Event types: add LOGIN_ERROR (enabledEventTypes).",
                        (realm, out) -> {
                            List<String> types = realm.rep().getEnabledEventTypes();
                            if (AuditedRealm.isOn(realm.rep().isEventsEnabled())
                                    && types != null
                                    && !types.isEmpty()
                                    && !types.contains("LOGIN_ERROR")) {
                                out.report("realm", "$.enabledEventTypes", "LOGIN_ERROR is not stored");
                            }
                        }),
                new Check(
                        "realm.admin-events-off",
                        Severity.MEDIUM,
                        "realm",
                        "Admin events not stored",
                        "Changes to clients, roles, flows and users are not recorded: a malicious or mistaken change cannot be traced.",
                        "OWASP API Security Top 10 2019 API10; Keycloak Server Administration Guide, auditing admin events",
                        "Realm settings > Events > Admin events settings > Save events: on (adminEventsEnabled: true).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().isAdminEventsEnabled())) {
                                out.report("realm", "$.adminEventsEnabled", "admin events are not saved");
                            }
                        }),
                new Check(
                        "realm.admin-events-without-details",
                        Severity.LOW,
                        "realm",
                        "Admin events stored without their representation",
                        "Without details an admin event says that a client changed, not how: a widened redirect URI or a new secret is invisible.",
                        "OWASP API Security Top 10 2019 API10; Keycloak Server Administration Guide, auditing admin events",
                        "Realm settings > Events > Admin events settings > Include representation: on (adminEventsDetailsEnabled: true).",
                        (realm, out) -> {
                            if (AuditedRealm.isOn(realm.rep().isAdminEventsEnabled())
                                    && !AuditedRealm.isOn(realm.rep().isAdminEventsDetailsEnabled())) {
                                out.report(
                                        "realm",
                                        "$.adminEventsDetailsEnabled",
                                        "admin events leave out the representation");
                            }
                        }),
                new Check(
                        "realm.access-token-lifespan-long",
                        Severity.MEDIUM,
                        "realm",
                        "Access tokens live longer than the ceiling",
                        "Bearer access tokens cannot be recalled; a long lifespan extends the use of a leaked one.",
                        "RFC 9700 2.2 and 4.10; FAPI 2.0 Security Profile 6 (short-lived access tokens)",
                        "Realm settings > Tokens > Access Token Lifespan (accessTokenLifespan): at most 300 s or the realm's apiguard.accessTokenLifespanCeiling.",
                        (realm, out) -> {
                            long lifespan = orDefault(realm.rep().getAccessTokenLifespan(), 300);
                            long ceiling = ceiling(realm);
                            if (lifespan > ceiling) {
                                out.report(
                                        "realm",
                                        "$.accessTokenLifespan",
                                        "accessTokenLifespan is " + lifespan + " s, above " + ceiling + " s");
                            }
                        }),
                new Check(
                        "realm.code-lifespan-long",
                        Severity.MEDIUM,
                        "realm",
                        "Authorization codes live longer than 60 seconds",
                        "A code is redeemed within seconds; a longer life gives a stolen code more time to be replayed.",
                        "FAPI 2.0 Security Profile 5.3.2.1 (code lifetime at most 60 s); RFC 6749 4.1.2 (maximum 10 minutes)",
                        "Realm settings > Tokens > Client login timeout (accessCodeLifespan): 60 s or less.",
                        (realm, out) -> {
                            long lifespan = orDefault(realm.rep().getAccessCodeLifespan(), 60);
                            if (lifespan > 60) {
                                out.report("realm", "$.accessCodeLifespan", "accessCodeLifespan is " + lifespan + " s");
                            }
                        }),
                new Check(
                        "realm.refresh-token-not-rotated",
                        Severity.MEDIUM,
                        "realm",
                        "Refresh tokens not rotated",
                        "Without rotation a stolen refresh token keeps working alongside the legitimate one, and reuse can never be detected.",
                        "RFC 9700 4.14.2; OAuth 2.1 (draft) 4.3.1",
                        "Realm settings > Tokens > Revoke Refresh Token: on, Refresh Token Max Reuse 0 (revokeRefreshToken: true).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().getRevokeRefreshToken())) {
                                out.report("realm", "$.revokeRefreshToken", "refresh tokens are not rotated");
                            }
                        }),
                new Check(
                        "realm.refresh-token-reuse-allowed",
                        Severity.LOW,
                        "realm",
                        "Rotated refresh tokens may be reused",
                        "Each allowed reuse is a window in which a stolen refresh token works without triggering detection.",
                        "RFC 9700 4.14.2",
                        "Realm settings > Tokens > Refresh Token Max Reuse: 0 (refreshTokenMaxReuse).",
                        (realm, out) -> {
                            if (AuditedRealm.isOn(realm.rep().getRevokeRefreshToken())
                                    && orDefault(realm.rep().getRefreshTokenMaxReuse(), 0) > 0) {
                                out.report(
                                        "realm",
                                        "$.refreshTokenMaxReuse",
                                        "refreshTokenMaxReuse is " + realm.rep().getRefreshTokenMaxReuse());
                            }
                        }),
                new Check(
                        "realm.sso-session-max-long",
                        Severity.LOW,
                        "realm",
                        "Sessions last longer than 12 hours without re-authentication",
                        "At AAL2, a user must authenticate again at least every 12 hours (NIST 800-63B rev. 3).",
                        "NIST SP 800-63B 4.2.3",
                        "Realm settings > Sessions > SSO Session Max (ssoSessionMaxLifespan): 43200 s or less.",
                        (realm, out) -> {
                            long max = orDefault(realm.rep().getSsoSessionMaxLifespan(), 36_000);
                            if (max == 0 || max > 43_200) {
                                out.report(
                                        "realm",
                                        "$.ssoSessionMaxLifespan",
                                        "ssoSessionMaxLifespan is " + (max == 0 ? "unlimited" : max + " s"));
                            }
                        }),
                new Check(
                        "realm.sso-session-idle-long",
                        Severity.LOW,
                        "realm",
                        "Idle sessions last longer than 30 minutes",
                        "At AAL2, 30 minutes of inactivity should end the session.",
                        "NIST SP 800-63B 4.2.3",
                        "Realm settings > Sessions > SSO Session Idle (ssoSessionIdleTimeout): 1800 s or less.",
                        (realm, out) -> {
                            long idle = orDefault(realm.rep().getSsoSessionIdleTimeout(), 1_800);
                            if (idle == 0 || idle > 1_800) {
                                out.report(
                                        "realm",
                                        "$.ssoSessionIdleTimeout",
                                        "ssoSessionIdleTimeout is " + (idle == 0 ? "unlimited" : idle + " s"));
                            }
                        }),
                new Check(
                        "realm.offline-sessions-unbounded",
                        Severity.LOW,
                        "realm",
                        "Offline sessions have no maximum lifetime",
                        "An offline token that is used now and then lives forever (Keycloak's default): its theft is permanent.",
                        "RFC 9700 4.14.2 (refresh tokens should expire); OAuth 2.1 (draft) 4.3.1",
                        "Realm settings > Sessions > Offline Session Max Limited: on, with Offline Session Max (offlineSessionMaxLifespanEnabled, offlineSessionMaxLifespan).",
                        (realm, out) -> {
                            if (!AuditedRealm.isOn(realm.rep().getOfflineSessionMaxLifespanEnabled())) {
                                out.report(
                                        "realm",
                                        "$.offlineSessionMaxLifespanEnabled",
                                        "offline sessions have no maximum lifetime");
                            }
                        }),
                new Check(
                        "realm.signature-algorithm-not-fapi",
                        Severity.MEDIUM,
                        "realm",
                        "Tokens signed with an algorithm outside FAPI 2.0",
                        "RS256 (Keycloak's default) and HMAC algorithms are not FAPI 2.0 algorithms; PS256, ES256 and EdDSA are, and ES256 is also faster.",
                        "FAPI 2.0 Security Profile 5.4; RFC 7518 3.1",
                        "Realm settings > Tokens > Default signature algorithm: ES256 (defaultSignatureAlgorithm), with an ecdsa-generated key.",
                        (realm, out) -> {
                            String algorithm = realm.rep().getDefaultSignatureAlgorithm();
                            String effective = algorithm == null || algorithm.isBlank() ? "RS256" : algorithm;
                            if (!FAPI_ALGORITHMS.contains(effective)) {
                                out.report(
                                        "realm",
                                        "$.defaultSignatureAlgorithm",
                                        "default signature algorithm is " + effective
                                                + (algorithm == null ? " (Keycloak's default)" : ""));
                            }
                        }),
                new Check(
                        "realm.password-length",
                        Severity.MEDIUM,
                        "realm",
                        "Passwords may be shorter than 8 characters",
                        "Without a length rule Keycloak accepts any password; NIST requires at least 8 characters (15 when the password is the only factor in rev. 4).",
                        "NIST SP 800-63B 5.1.1.2",
                        "Authentication > Policies > Password policy: add Minimum length 12 or more (passwordPolicy: length(12)).",
                        (realm, out) -> {
                            String policy = realm.rep().getPasswordPolicy();
                            Matcher matcher = LENGTH.matcher(policy == null ? "" : policy);
                            int length = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
                            if (length < 8) {
                                out.report(
                                        "realm",
                                        "$.passwordPolicy",
                                        length == 0
                                                ? "no minimum password length"
                                                : "minimum password length is " + length);
                            }
                        }),
                new Check(
                        "realm.password-not-screened",
                        Severity.LOW,
                        "realm",
                        "Passwords not screened against a list of compromised passwords",
                        "Users pick passwords from breach corpora; NIST asks to refuse them.",
                        "NIST SP 800-63B 5.1.1.2",
                        "Authentication > Policies > Password policy: add Password blacklist (passwordPolicy: passwordBlacklist(<file>)).",
                        (realm, out) -> {
                            String policy = realm.rep().getPasswordPolicy();
                            if (policy == null || !policy.contains("passwordBlacklist(")) {
                                out.report("realm", "$.passwordPolicy", "no passwordBlacklist rule");
                            }
                        }),
                new Check(
                        "realm.password-hash-weak",
                        Severity.MEDIUM,
                        "realm",
                        "Passwords hashed with PBKDF2-SHA1 or few iterations",
                        "A weak hash makes a stolen database cheap to crack.",
                        "NIST SP 800-63B 5.1.1.2; NIST SP 800-132",
                        "Authentication > Policies > Password policy: Hashing algorithm argon2 or pbkdf2-sha512 (hashAlgorithm), and no low Hashing iterations (hashIterations).",
                        (realm, out) -> {
                            String policy = realm.rep().getPasswordPolicy();
                            if (policy == null) {
                                return;
                            }
                            if (policy.contains("hashAlgorithm(pbkdf2)")) {
                                out.report("realm", "$.passwordPolicy", "hash algorithm is pbkdf2 (SHA-1)");
                            }
                            Matcher iterations = Pattern.compile("hashIterations\\((\\d+)\\)")
                                    .matcher(policy);
                            if (iterations.find()
                                    && Long.parseLong(iterations.group(1)) < 10_000
                                    && !policy.contains("hashAlgorithm(argon2)")) {
                                out.report("realm", "$.passwordPolicy", "hashIterations is " + iterations.group(1));
                            }
                        }),
                new Check(
                        "realm.registration-without-email-verification",
                        Severity.LOW,
                        "realm",
                        "Self-registration without e-mail verification",
                        "Anyone can create accounts with someone else's e-mail address, which later logins by e-mail or identity-provider linking may trust.",
                        "OWASP API Security Top 10 2023 API2; Keycloak Server Administration Guide, user registration",
                        "Realm settings > Login > Verify email: on (verifyEmail: true), or User registration: off.",
                        (realm, out) -> {
                            if (AuditedRealm.isOn(realm.rep().isRegistrationAllowed())
                                    && !AuditedRealm.isOn(realm.rep().isVerifyEmail())) {
                                out.report(
                                        "realm",
                                        "$.verifyEmail",
                                        "registration is open and e-mail addresses are not verified");
                            }
                        }),
                new Check(
                        "realm.duplicate-emails",
                        Severity.MEDIUM,
                        "realm",
                        "Several users may share one e-mail address",
                        "Logins, resets and identity-provider links that go by e-mail can then reach the wrong account.",
                        "OWASP API Security Top 10 2023 API2; Keycloak Server Administration Guide, login settings",
                        "Realm settings > Login > Duplicate emails: off (duplicateEmailsAllowed: false).",
                        (realm, out) -> {
                            if (AuditedRealm.isOn(realm.rep().isDuplicateEmailsAllowed())) {
                                out.report(
                                        "realm", "$.duplicateEmailsAllowed", "duplicate e-mail addresses are allowed");
                            }
                        }),
                new Check(
                        "realm.hsts-weak",
                        Severity.MEDIUM,
                        "realm",
                        "Strict-Transport-Security missing or short",
                        "Without HSTS (at least a year), a network attacker can downgrade the first request to the login page to HTTP.",
                        "RFC 6797; OWASP API Security Top 10 2023 API8",
                        "Realm settings > Security defenses > Headers > HTTP Strict Transport Security: max-age=31536000; includeSubDomains.",
                        (realm, out) -> {
                            String hsts = header(
                                    realm.rep(), "strictTransportSecurity", "max-age=31536000; includeSubDomains");
                            Matcher matcher = MAX_AGE.matcher(hsts);
                            if (!matcher.find() || Long.parseLong(matcher.group(1)) < 31_536_000L) {
                                out.report(
                                        "realm",
                                        "$.browserSecurityHeaders.strictTransportSecurity",
                                        "Strict-Transport-Security is '" + hsts + "'");
                            }
                        }),
                new Check(
                        "realm.framing-allowed",
                        Severity.MEDIUM,
                        "realm",
                        "Login pages may be framed by other sites",
                        "Neither X-Frame-Options nor CSP frame-ancestors restrict framing: the login and consent pages are open to clickjacking.",
                        "RFC 9700 4.16; RFC 7034",
                        "Realm settings > Security defenses > Headers: X-Frame-Options SAMEORIGIN or DENY, and Content-Security-Policy with frame-ancestors 'self'.",
                        (realm, out) -> {
                            String xfo = header(realm.rep(), "xFrameOptions", "SAMEORIGIN")
                                    .trim()
                                    .toUpperCase(java.util.Locale.ROOT);
                            String csp = header(
                                    realm.rep(),
                                    "contentSecurityPolicy",
                                    "frame-src 'self'; frame-ancestors 'self'; object-src 'none';");
                            boolean xfoOk = xfo.equals("SAMEORIGIN") || xfo.equals("DENY");
                            boolean cspOk =
                                    csp.contains("frame-ancestors") && !csp.matches("(?s).*frame-ancestors[^;]*\\*.*");
                            if (!xfoOk && !cspOk) {
                                out.report(
                                        "realm",
                                        "$.browserSecurityHeaders",
                                        "X-Frame-Options is '" + xfo + "' and CSP has no restrictive frame-ancestors");
                            }
                        }),
                new Check(
                        "realm.nosniff-missing",
                        Severity.LOW,
                        "realm",
                        "X-Content-Type-Options nosniff missing",
                        "Browsers may then sniff responses into executable content.",
                        "OWASP API Security Top 10 2023 API8; OWASP Secure Headers Project",
                        "Realm settings > Security defenses > Headers > X-Content-Type-Options: nosniff.",
                        (realm, out) -> {
                            String value = header(realm.rep(), "xContentTypeOptions", "nosniff");
                            if (!"nosniff".equalsIgnoreCase(value.trim())) {
                                out.report(
                                        "realm",
                                        "$.browserSecurityHeaders.xContentTypeOptions",
                                        "X-Content-Type-Options is '" + value + "'");
                            }
                        }),
                new Check(
                        "realm.smtp-without-tls",
                        Severity.MEDIUM,
                        "realm",
                        "E-mail sent without TLS",
                        "Verification and password-reset links travel in clear text to the mail server: whoever reads them takes over the account.",
                        "NIST SP 800-63B 5.1.3.1 (out-of-band secrets over an authenticated protected channel); RFC 8314",
                        "Realm settings > Email > Connection & Authentication: Enable SSL or Enable StartTLS (smtpServer.ssl / smtpServer.starttls).",
                        (realm, out) -> {
                            Map<String, String> smtp = realm.rep().getSmtpServer();
                            if (smtp != null
                                    && smtp.get("host") != null
                                    && !smtp.get("host").isBlank()
                                    && !AuditedRealm.isTrue(smtp.get("ssl"))
                                    && !AuditedRealm.isTrue(smtp.get("starttls"))) {
                                out.report(
                                        "smtp",
                                        "$.smtpServer",
                                        "SMTP to " + smtp.get("host") + " uses neither SSL nor StartTLS");
                            }
                        }),
                new Check(
                        "realm.otp-policy-weak",
                        Severity.LOW,
                        "realm",
                        "OTP policy weaker than 6 digits or with a wide look-ahead",
                        "Fewer than 6 digits or a large look-ahead window multiply the chance of guessing a valid code.",
                        "NIST SP 800-63B 5.1.4.1 and 5.1.5.1; RFC 6238 5.2",
                        "Authentication > Policies > OTP Policy: 6 digits or more, Look around 1 or less (otpPolicyDigits, otpPolicyLookAheadWindow).",
                        (realm, out) -> {
                            long digits = orDefault(realm.rep().getOtpPolicyDigits(), 6);
                            long window = orDefault(realm.rep().getOtpPolicyLookAheadWindow(), 1);
                            if (digits < 6) {
                                out.report("realm", "$.otpPolicyDigits", "OTP codes have " + digits + " digits");
                            }
                            if (window > 1) {
                                out.report("realm", "$.otpPolicyLookAheadWindow", "OTP look-ahead window is " + window);
                            }
                        }),
                new Check(
                        "realm.baseline-not-adopted",
                        Severity.LOW,
                        "realm",
                        "API Guard's baseline is not applied to every client",
                        "Without a client policy applying API Guard's baseline, nothing stops a client from being created or changed back to the findings above (wildcard redirects, implicit or password grants, no PKCE, long tokens).",
                        "RFC 9700 2 (recommendations); OWASP API Security Top 10 2023 API8; API Guard baseline",
                        "Realm settings > Client policies: import realm-config/baseline/client-profiles.json and client-policies.json (profile and policy apiguard-baseline).",
                        (realm, out) -> {
                            if (!ClientPolicies.baselineAdopted(realm)) {
                                out.report(
                                        "realm",
                                        "$.clientPolicies",
                                        "no enabled client policy applies the apiguard-baseline profile to every client");
                            }
                        }),
                new Check(
                        "realm.token-ceiling-unset",
                        Severity.INFO,
                        "realm",
                        "No access-token lifespan ceiling declared",
                        "API Guard caps tokens at 300 s when the realm declares no ceiling; declaring it makes the limit visible and reviewable.",
                        "FAPI 2.0 Security Profile 6; API Guard token policy",
                        "Realm settings > General > Attributes (realm attribute apiguard.accessTokenLifespanCeiling): seconds, e.g. 300.",
                        (realm, out) -> {
                            if (realm.realmAttribute(CEILING_ATTRIBUTE) == null) {
                                out.report("realm", "$.attributes", "attribute " + CEILING_ATTRIBUTE + " is not set");
                            }
                        }));
    }
}
