package dev.apiguard.keycloak.realmaudit;

import static dev.apiguard.keycloak.realmaudit.AuditedRealm.attribute;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.isConfidential;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.isOn;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.isPlainHttpOffLoopback;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.isTrue;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.standardFlow;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.target;

import dev.apiguard.keycloak.realmaudit.AuditedRealm.Indexed;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Checks over clients: redirect URIs, grants, PKCE, token settings, client authentication,
 * secrets, web origins, logout URLs, service-account roles and SAML signatures. Keycloak's own
 * operator clients (admin console, account console, admin-cli, broker, realm-management) are left
 * out of the redirect, grant and PKCE checks: Keycloak manages them.
 */
final class ClientChecks {

    /** Client attribute names, as Keycloak's {@code OIDCConfigAttributes} (keycloak-services, internal) spell them. */
    static final String PKCE_METHOD = "pkce.code.challenge.method";

    static final String ACCESS_TOKEN_LIFESPAN = "access.token.lifespan";
    static final String POST_LOGOUT_REDIRECT_URIS = "post.logout.redirect.uris";
    static final String BACKCHANNEL_LOGOUT_URL = "backchannel.logout.url";
    static final String EXCLUDE_ISSUER = "exclude.issuer.from.auth.response";
    static final String DEVICE_GRANT = "oauth2.device.authorization.grant.enabled";
    static final String CC_REFRESH_TOKEN = "client_credentials.use_refresh_token";
    static final String USE_JWKS_URL = "use.jwks.url";
    static final String JWKS_URL = "jwks.url";
    static final String RFC9068_TYP = "access.token.header.type.rfc9068";
    static final String REQUIRE_PAR = "require.pushed.authorization.requests";
    static final String DPOP_BOUND = "dpop.bound.access.tokens";
    static final String REQUEST_OBJECT_ALG = "request.object.signature.alg";

    /** Attributes that choose an algorithm Keycloak signs with for the client. */
    static final List<String> SIGNING_ALGORITHM_ATTRIBUTES = List.of(
            "access.token.signed.response.alg", "id.token.signed.response.alg",
            "user.info.response.signature.alg", "authorization.signed.response.alg");

    /** FAPI 2.0 Security Profile 5.4: PS256, ES256, EdDSA (ES384/ES512 and PS384/PS512 share their families). */
    static final Set<String> FAPI_ALGORITHMS = Set.of("PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    /** realm-management roles that change the realm, its users or clients. */
    static final Set<String> ADMIN_ROLES = Set.of(
            "realm-admin",
            "manage-realm",
            "manage-users",
            "manage-clients",
            "manage-events",
            "manage-identity-providers",
            "manage-authorization",
            "impersonation",
            "create-client");

    private ClientChecks() {}

    private static Check.Rule eachApp(BiConsumer<Indexed<ClientRepresentation>, Check.Reporter> body) {
        return (realm, out) -> realm.applicationClients().forEach(client -> body.accept(client, out));
    }

    private static void eachRedirect(Indexed<ClientRepresentation> client, Check.Reporter out, RedirectRule rule) {
        List<String> uris = client.value().getRedirectUris();
        if (uris == null) {
            return;
        }
        for (int i = 0; i < uris.size(); i++) {
            String uri = uris.get(i);
            String message = rule.problem(uri);
            if (message != null) {
                out.report(target(client.value()), client.path() + ".redirectUris[" + i + "]", message);
            }
        }
    }

    @FunctionalInterface
    private interface RedirectRule {
        String problem(String uri);
    }

    static List<Check> all() {
        return List.of(
                new Check(
                        "client.redirect-uri-any",
                        Severity.CRITICAL,
                        "clients",
                        "Redirect URI accepts any destination",
                        "A redirect URI of '*' (or one that starts with a wildcard) lets an attacker send authorization codes and tokens to a site of their choice.",
                        "RFC 9700 2.1 and 4.1; OAuth 2.1 (draft) 2.3.1",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): list each exact URI.",
                        eachApp((client, out) -> eachRedirect(
                                client,
                                out,
                                uri -> uri != null && (uri.startsWith("*") || uri.equals("/*"))
                                        ? "redirect URI '" + uri + "' matches any destination"
                                        : null))),
                new Check(
                        "client.redirect-uri-wildcard",
                        Severity.HIGH,
                        "clients",
                        "Redirect URI is a pattern, not an exact URI",
                        "Keycloak matches a trailing '*' as a prefix: any path under it, including open redirectors and attacker-controlled pages on the same host, receives codes.",
                        "RFC 9700 2.1 and 4.1.3 (exact string matching)",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): replace the pattern by the exact URIs.",
                        eachApp((client, out) -> eachRedirect(
                                client,
                                out,
                                uri -> uri != null && uri.contains("*") && !uri.startsWith("*") && !uri.equals("/*")
                                        ? "redirect URI '" + uri + "' is a wildcard pattern"
                                        : null))),
                new Check(
                        "client.redirect-uri-http",
                        Severity.HIGH,
                        "clients",
                        "Redirect URI uses plain http off loopback",
                        "Codes sent over plain HTTP can be read and replayed on the network; only loopback redirects of native apps may use http.",
                        "RFC 9700 2.1; OAuth 2.1 (draft) 1.5; RFC 8252 8.3",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): use https, or http://127.0.0.1 for native apps.",
                        eachApp((client, out) -> eachRedirect(
                                client,
                                out,
                                uri -> isPlainHttpOffLoopback(uri)
                                        ? "redirect URI '" + uri + "' uses http to a non-loopback host"
                                        : null))),
                new Check(
                        "client.redirect-uri-localhost-name",
                        Severity.LOW,
                        "clients",
                        "Loopback redirect URI uses the name localhost",
                        "The name localhost may resolve to a non-loopback interface or be intercepted by a firewall rule; the loopback IP literal cannot.",
                        "RFC 8252 8.3",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): use http://127.0.0.1 or http://[::1] instead of localhost.",
                        eachApp((client, out) -> eachRedirect(
                                client,
                                out,
                                uri -> "http".equals(AuditedRealm.schemeOf(uri))
                                                && "localhost".equals(AuditedRealm.hostOf(uri))
                                        ? "redirect URI '" + uri + "' names localhost, not a loopback IP literal"
                                        : null))),
                new Check(
                        "client.redirect-uri-custom-scheme",
                        Severity.LOW,
                        "clients",
                        "Private-use redirect scheme is not a reverse domain name",
                        "Another app on the device can register a short custom scheme (myapp:) and receive the code; a reverse-domain scheme (com.example.app:) is far harder to claim.",
                        "RFC 8252 7.1",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): use a scheme like com.example.app:/callback, or a claimed https URI.",
                        eachApp((client, out) -> eachRedirect(client, out, uri -> {
                            String scheme = AuditedRealm.schemeOf(uri);
                            return scheme != null
                                            && !scheme.equals("http")
                                            && !scheme.equals("https")
                                            && !scheme.contains(".")
                                    ? "redirect URI '" + uri + "' uses the private-use scheme '" + scheme
                                            + ":' without a domain"
                                    : null;
                        }))),
                new Check(
                        "client.redirect-uri-fragment",
                        Severity.MEDIUM,
                        "clients",
                        "Redirect URI contains a fragment",
                        "A redirect URI must not contain a fragment component; a fragment there makes the URI ambiguous and leaks parameters to scripts.",
                        "RFC 6749 3.1.2; OAuth 2.1 (draft) 2.3",
                        "Clients > <client> > Settings > Valid redirect URIs (redirectUris): remove the '#...' part.",
                        eachApp((client, out) -> eachRedirect(
                                client,
                                out,
                                uri -> uri != null && uri.contains("#")
                                        ? "redirect URI '" + uri + "' contains a fragment"
                                        : null))),
                new Check(
                        "client.implicit-flow",
                        Severity.HIGH,
                        "clients",
                        "Implicit flow enabled",
                        "The implicit grant returns access tokens in the front channel, where they leak through history, referrers and injected scripts, and cannot be sender-constrained.",
                        "RFC 9700 2.1.2; OAuth 2.1 (draft) 10.1",
                        "Clients > <client> > Settings > Capability config > Implicit flow: off (implicitFlowEnabled: false).",
                        eachApp((client, out) -> {
                            if (isOn(client.value().isImplicitFlowEnabled())) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".implicitFlowEnabled",
                                        "implicit flow is enabled");
                            }
                        })),
                new Check(
                        "client.password-grant",
                        Severity.HIGH,
                        "clients",
                        "Resource owner password credentials grant enabled",
                        "The password grant exposes the user's password to the client and cannot do a second factor, consent or phishing-resistant login.",
                        "RFC 9700 2.4 (MUST NOT be used); OAuth 2.1 (draft) 10.4",
                        "Clients > <client> > Settings > Capability config > Direct access grants: off (directAccessGrantsEnabled: false).",
                        eachApp((client, out) -> {
                            if (isOn(client.value().isDirectAccessGrantsEnabled())
                                    && !isOn(client.value().isBearerOnly())) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".directAccessGrantsEnabled",
                                        "direct access grants (password grant) are enabled");
                            }
                        })),
                new Check(
                        "client.pkce-missing",
                        Severity.HIGH,
                        "clients",
                        "Authorization code flow without PKCE",
                        "Without PKCE a stolen or injected authorization code can be redeemed; PKCE binds the code to the client instance that asked for it.",
                        "RFC 9700 2.1.1 and 4.8; OAuth 2.1 (draft) 4.1.1; FAPI 2.0 5.3.2.2",
                        "Clients > <client> > Advanced > Proof Key for Code Exchange Code Challenge Method: S256 (attribute pkce.code.challenge.method), or a client policy with the pkce-enforcer executor.",
                        (realm, out) -> {
                            if (ClientPolicies.enforcesPkce(realm)) {
                                return;
                            }
                            realm.applicationClients().forEach(client -> {
                                String method = attribute(client.value(), PKCE_METHOD);
                                if (standardFlow(client.value()) && (method == null || method.isBlank())) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".attributes",
                                            "standard flow is on and no PKCE method is required (no client policy enforces it either)");
                                }
                            });
                        }),
                new Check(
                        "client.pkce-plain",
                        Severity.HIGH,
                        "clients",
                        "PKCE method plain",
                        "The plain method sends the verifier as the challenge: anyone who sees the authorization request can redeem the code.",
                        "RFC 9700 2.1.1; RFC 7636 4.2 and 7.2",
                        "Clients > <client> > Advanced > Proof Key for Code Exchange Code Challenge Method: S256.",
                        eachApp((client, out) -> {
                            if ("plain".equals(attribute(client.value(), PKCE_METHOD))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + PKCE_METHOD + "']",
                                        "PKCE method is plain");
                            }
                        })),
                new Check(
                        "client.access-token-lifespan-above-ceiling",
                        Severity.MEDIUM,
                        "clients",
                        "Client access-token lifespan above the realm ceiling",
                        "A long-lived bearer access token stays usable long after it leaked; API Guard caps tokens at the realm ceiling (apiguard.accessTokenLifespanCeiling, 300 s by default), so a higher client setting is both a risk without the baseline and a setting that does not take effect with it.",
                        "RFC 9700 2.2 and 4.10; FAPI 2.0 Security Profile 6 (short-lived access tokens)",
                        "Clients > <client> > Advanced > Advanced settings > Access Token Lifespan (attribute access.token.lifespan): at most the ceiling, or empty to inherit the realm's.",
                        (realm, out) -> {
                            long ceiling = RealmChecks.ceiling(realm);
                            realm.oidcClients().forEach(client -> {
                                long lifespan =
                                        AuditedRealm.seconds(attribute(client.value(), ACCESS_TOKEN_LIFESPAN), -1);
                                if (lifespan > ceiling) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".attributes['" + ACCESS_TOKEN_LIFESPAN + "']",
                                            "access token lifespan " + lifespan + " s is above the ceiling of "
                                                    + ceiling + " s");
                                }
                            });
                        }),
                new Check(
                        "client.signature-none",
                        Severity.CRITICAL,
                        "clients",
                        "Unsigned tokens or request objects accepted or issued",
                        "The algorithm 'none' (or 'any' for request objects) lets anyone forge the token or request object.",
                        "RFC 8725 2.1 and 3.1; FAPI 2.0 5.4 (never none)",
                        "Clients > <client> > Advanced > Fine grain OpenID Connect configuration: choose ES256, PS256 or EdDSA for every signature algorithm.",
                        (realm, out) -> realm.oidcClients().forEach(client -> {
                            for (String name : SIGNING_ALGORITHM_ATTRIBUTES) {
                                if ("none".equals(attribute(client.value(), name))) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".attributes['" + name + "']",
                                            name + " is none");
                                }
                            }
                            String request = attribute(client.value(), REQUEST_OBJECT_ALG);
                            if ("none".equals(request) || "any".equals(request)) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + REQUEST_OBJECT_ALG + "']",
                                        "request objects are accepted with algorithm " + request);
                            }
                        })),
                new Check(
                        "client.signature-not-fapi",
                        Severity.LOW,
                        "clients",
                        "Client signs with an algorithm outside FAPI 2.0",
                        "RS256 (PKCS#1 v1.5) and HMAC algorithms are not FAPI 2.0 algorithms; HMAC-signed ID tokens use the client secret, so the client can forge them.",
                        "FAPI 2.0 Security Profile 5.4; RFC 7518 3.1",
                        "Clients > <client> > Advanced > Fine grain OpenID Connect configuration: ES256, PS256 or EdDSA (attributes *.signed.response.alg).",
                        (realm, out) -> realm.oidcClients().forEach(client -> {
                            for (String name : SIGNING_ALGORITHM_ATTRIBUTES) {
                                String algorithm = attribute(client.value(), name);
                                if (algorithm != null
                                        && !algorithm.isBlank()
                                        && !"none".equals(algorithm)
                                        && !FAPI_ALGORITHMS.contains(algorithm)) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".attributes['" + name + "']",
                                            name + " is " + algorithm);
                                }
                            }
                        })),
                new Check(
                        "client.shared-secret-authentication",
                        Severity.LOW,
                        "clients",
                        "Confidential client authenticates with a shared secret",
                        "A shared secret is sent to (or derivable by) the server and lives in two places; private_key_jwt or mTLS keep the private key with the client only.",
                        "RFC 9700 2.5; FAPI 2.0 Security Profile 5.3.3.4",
                        "Clients > <client> > Credentials > Client Authenticator: Signed JWT (client-jwt) or X509 certificate (client-x509).",
                        eachApp((client, out) -> {
                            String authenticator = client.value().getClientAuthenticatorType();
                            if (isConfidential(client.value())
                                    && (authenticator == null
                                            || "client-secret".equals(authenticator)
                                            || "client-secret-jwt".equals(authenticator))
                                    && (standardFlow(client.value())
                                            || isOn(client.value().isServiceAccountsEnabled()))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".clientAuthenticatorType",
                                        "client authenticates with "
                                                + (authenticator == null ? "client-secret" : authenticator));
                            }
                        })),
                new Check(
                        "client.full-scope-allowed",
                        Severity.LOW,
                        "clients",
                        "Tokens carry every role of the user",
                        "With full scope allowed, every token carries all of the user's roles, whatever the client needs: a leaked token is worth more than it must be.",
                        "RFC 9700 2.3 (privilege restriction); OWASP API Security Top 10 2023 API5",
                        "Clients > <client> > Client scopes > <client>-dedicated > Scope > Full scope allowed: off (fullScopeAllowed: false), then map the roles it needs.",
                        eachApp((client, out) -> {
                            if (!Boolean.FALSE.equals(client.value().isFullScopeAllowed())
                                    && !isOn(client.value().isBearerOnly())
                                    && (standardFlow(client.value())
                                            || isOn(client.value().isServiceAccountsEnabled()))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".fullScopeAllowed",
                                        "full scope allowed is on");
                            }
                        })),
                new Check(
                        "client.client-credentials-refresh-token",
                        Severity.LOW,
                        "clients",
                        "Refresh tokens issued for the client credentials grant",
                        "A client that can authenticate needs no refresh token; one issued anyway is a long-lived credential to steal.",
                        "RFC 6749 4.4.3 (a refresh token SHOULD NOT be included)",
                        "Clients > <client> > Advanced > OpenID Connect Compatibility Modes > Use refresh tokens for client credentials grant: off.",
                        eachApp((client, out) -> {
                            if (isOn(client.value().isServiceAccountsEnabled())
                                    && isTrue(attribute(client.value(), CC_REFRESH_TOKEN))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + CC_REFRESH_TOKEN + "']",
                                        "the client credentials grant returns a refresh token");
                            }
                        })),
                new Check(
                        "client.service-account-admin",
                        Severity.CRITICAL,
                        "clients",
                        "Service account can administer the realm",
                        "A client secret that leaks then hands over the realm: the service account holds a realm-management role that changes users, clients or the realm.",
                        "OWASP API Security Top 10 2023 API5 (function level authorization); RFC 9700 2.3",
                        "Clients > <client> > Service accounts roles: remove realm-admin and manage-* roles from realm-management; grant only the view or query role it needs.",
                        (realm, out) -> serviceAccounts(realm, (user, path, roles) -> {
                            List<String> admin = roles.stream()
                                    .filter(r -> ADMIN_ROLES.contains(r.substring(r.indexOf('/') + 1)))
                                    .toList();
                            if (!admin.isEmpty()) {
                                out.report(
                                        "client:" + user.getServiceAccountClientId(),
                                        path,
                                        "service account holds " + String.join(", ", admin));
                            }
                        })),
                new Check(
                        "client.service-account-realm-management",
                        Severity.MEDIUM,
                        "clients",
                        "Service account can read realm administration data",
                        "View and query roles of realm-management expose users, clients and configuration to anyone holding the client's credentials.",
                        "OWASP API Security Top 10 2023 API3 and API5; RFC 9700 2.3",
                        "Clients > <client> > Service accounts roles: remove realm-management roles the service does not need.",
                        (realm, out) -> serviceAccounts(realm, (user, path, roles) -> {
                            List<String> view = roles.stream()
                                    .filter(r -> !ADMIN_ROLES.contains(r.substring(r.indexOf('/') + 1)))
                                    .toList();
                            boolean admin = roles.size() > view.size();
                            if (!view.isEmpty() && !admin) {
                                out.report(
                                        "client:" + user.getServiceAccountClientId(),
                                        path,
                                        "service account holds " + String.join(", ", view));
                            }
                        })),
                new Check(
                        "client.web-origins-wildcard",
                        Severity.HIGH,
                        "clients",
                        "Any web origin may call with the client's tokens",
                        "Web origin '*' makes Keycloak answer CORS requests from any site, so a malicious page can call the token and userinfo endpoints in the user's browser.",
                        "OWASP API Security Top 10 2023 API8 (security misconfiguration, CORS)",
                        "Clients > <client> > Settings > Web origins (webOrigins): list exact origins or '+' (the redirect URIs' origins).",
                        eachApp((client, out) -> {
                            List<String> origins = client.value().getWebOrigins();
                            for (int i = 0; origins != null && i < origins.size(); i++) {
                                if (origins.get(i) != null && origins.get(i).contains("*")) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".webOrigins[" + i + "]",
                                            "web origin '" + origins.get(i) + "'");
                                }
                            }
                        })),
                new Check(
                        "client.web-origins-http",
                        Severity.MEDIUM,
                        "clients",
                        "Web origin uses plain http off loopback",
                        "A plain-HTTP origin can be impersonated on the network and then read CORS responses carrying tokens.",
                        "RFC 9700 2.1; OWASP API Security Top 10 2023 API8",
                        "Clients > <client> > Settings > Web origins (webOrigins): use https origins.",
                        eachApp((client, out) -> {
                            List<String> origins = client.value().getWebOrigins();
                            for (int i = 0; origins != null && i < origins.size(); i++) {
                                if (isPlainHttpOffLoopback(origins.get(i))) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".webOrigins[" + i + "]",
                                            "web origin '" + origins.get(i) + "' uses http");
                                }
                            }
                        })),
                new Check(
                        "client.post-logout-redirect-wildcard",
                        Severity.MEDIUM,
                        "clients",
                        "Post-logout redirect URI is a wildcard",
                        "A wildcard post-logout redirect turns the logout endpoint into an open redirector for phishing.",
                        "OpenID Connect RP-Initiated Logout 1.0 section 3; RFC 9700 4.11 (open redirectors)",
                        "Clients > <client> > Settings > Valid post logout redirect URIs (attribute post.logout.redirect.uris): exact URIs, or '+' for the redirect URIs.",
                        eachApp((client, out) -> {
                            String value = attribute(client.value(), POST_LOGOUT_REDIRECT_URIS);
                            if (value != null && value.contains("*")) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + POST_LOGOUT_REDIRECT_URIS + "']",
                                        "post-logout redirect URIs contain a wildcard: '" + value + "'");
                            }
                        })),
                new Check(
                        "client.backchannel-logout-http",
                        Severity.MEDIUM,
                        "clients",
                        "Back-channel logout URL uses plain http",
                        "The logout token travels in clear text and the call can be redirected on the network.",
                        "OpenID Connect Back-Channel Logout 1.0 section 2.5; RFC 9700 2.1",
                        "Clients > <client> > Settings > Logout settings > Backchannel logout URL: use https.",
                        eachApp((client, out) -> {
                            String url = attribute(client.value(), BACKCHANNEL_LOGOUT_URL);
                            if (isPlainHttpOffLoopback(url)) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + BACKCHANNEL_LOGOUT_URL + "']",
                                        "back-channel logout URL '" + url + "' uses http");
                            }
                        })),
                new Check(
                        "client.issuer-excluded",
                        Severity.MEDIUM,
                        "clients",
                        "Authorization response without the iss parameter",
                        "Without iss in the authorization response a client that talks to several servers cannot detect mix-up attacks.",
                        "RFC 9700 4.4.2; RFC 9207; FAPI 2.0 5.3.2.2",
                        "Clients > <client> > Advanced > OpenID Connect Compatibility Modes > Exclude Issuer From Authentication Response: off.",
                        eachApp((client, out) -> {
                            if (isTrue(attribute(client.value(), EXCLUDE_ISSUER))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + EXCLUDE_ISSUER + "']",
                                        "iss is left out of authorization responses");
                            }
                        })),
                new Check(
                        "client.device-grant",
                        Severity.LOW,
                        "clients",
                        "Device authorization grant enabled",
                        "The device flow invites remote phishing: a user can be talked into entering an attacker's user code.",
                        "RFC 8628 5.4; RFC 9700 4.1 (grant types in use)",
                        "Clients > <client> > Settings > Capability config > OAuth 2.0 Device Authorization Grant: off unless the client is an input-constrained device.",
                        eachApp((client, out) -> {
                            if (isTrue(attribute(client.value(), DEVICE_GRANT))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + DEVICE_GRANT + "']",
                                        "device authorization grant is enabled");
                            }
                        })),
                new Check(
                        "client.jwks-url-http",
                        Severity.HIGH,
                        "clients",
                        "Client keys fetched over plain http",
                        "Keycloak trusts whatever keys the JWKS URL returns to verify the client's assertions; over http, a network attacker supplies their own keys and authenticates as the client.",
                        "RFC 7591 2; RFC 7523 3; OWASP API Security Top 10 2023 API7",
                        "Clients > <client> > Keys > JWKS URL: an https URL.",
                        eachApp((client, out) -> {
                            String url = attribute(client.value(), JWKS_URL);
                            if (isTrue(attribute(client.value(), USE_JWKS_URL)) && isPlainHttpOffLoopback(url)) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['" + JWKS_URL + "']",
                                        "JWKS URL '" + url + "' uses http");
                            }
                        })),
                new Check(
                        "client.access-token-not-typed",
                        Severity.INFO,
                        "clients",
                        "Access tokens not typed at+jwt",
                        "Without typ at+jwt a resource server cannot tell an access token from an ID token or another JWT signed by the same keys.",
                        "RFC 9068 2.1; RFC 8725 3.11",
                        "Clients > <client> > Advanced > Use \"at+jwt\" as access token header type: on (attribute access.token.header.type.rfc9068).",
                        eachApp((client, out) -> {
                            if ((standardFlow(client.value())
                                            || isOn(client.value().isServiceAccountsEnabled()))
                                    && !isTrue(attribute(client.value(), RFC9068_TYP))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes",
                                        "access tokens carry typ JWT, not at+jwt");
                            }
                        })),
                new Check(
                        "client.offline-access-default-scope",
                        Severity.MEDIUM,
                        "clients",
                        "Offline access granted by default",
                        "With offline_access as a default scope every login yields an offline refresh token that outlives the session and logout.",
                        "RFC 9700 2.3 and 4.14; OWASP API Security Top 10 2023 API3",
                        "Clients > <client> > Client scopes: make offline_access Optional, not Default (defaultClientScopes).",
                        (realm, out) -> {
                            List<String> realmDefaults = realm.rep().getDefaultDefaultClientScopes();
                            if (realmDefaults != null && realmDefaults.contains("offline_access")) {
                                out.report(
                                        "realm",
                                        "$.defaultDefaultClientScopes[" + realmDefaults.indexOf("offline_access") + "]",
                                        "offline_access is a default scope of every new client");
                            }
                            realm.oidcClients().forEach(client -> {
                                List<String> scopes = client.value().getDefaultClientScopes();
                                if (scopes != null && scopes.contains("offline_access")) {
                                    out.report(
                                            target(client.value()),
                                            client.path() + ".defaultClientScopes[" + scopes.indexOf("offline_access")
                                                    + "]",
                                            "offline_access is a default scope");
                                }
                            });
                        }),
                new Check(
                        "client.par-not-required",
                        Severity.INFO,
                        "clients",
                        "Pushed authorization requests not required",
                        "Without PAR the authorization request travels through the browser unauthenticated and can be changed; FAPI 2.0 requires PAR.",
                        "FAPI 2.0 Security Profile 5.3.2.2; RFC 9126",
                        "Clients > <client> > Advanced > Pushed authorization request required: on (attribute require.pushed.authorization.requests).",
                        eachApp((client, out) -> {
                            if (standardFlow(client.value())
                                    && isConfidential(client.value())
                                    && !isTrue(attribute(client.value(), REQUIRE_PAR))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes",
                                        "pushed authorization requests are not required");
                            }
                        })),
                new Check(
                        "client.public-refresh-not-sender-constrained",
                        Severity.LOW,
                        "clients",
                        "Public client's tokens are not sender-constrained",
                        "A public client cannot keep a secret; refresh tokens stolen from it are usable by anyone unless bound with DPoP (or rotated with reuse detection, see realm.refresh-token-not-rotated).",
                        "RFC 9700 2.2.2 and 4.14.2; RFC 9449",
                        "Clients > <client> > Advanced > Require DPoP bound tokens: on (attribute dpop.bound.access.tokens).",
                        eachApp((client, out) -> {
                            if (isOn(client.value().isPublicClient())
                                    && standardFlow(client.value())
                                    && !isTrue(attribute(client.value(), DPOP_BOUND))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes",
                                        "public client without DPoP-bound tokens");
                            }
                        })),
                new Check(
                        "client.saml-unsigned-responses",
                        Severity.HIGH,
                        "clients",
                        "SAML client receives unsigned responses and assertions",
                        "Neither the document nor the assertion is signed: the service provider cannot detect a forged or altered login.",
                        "SAML 2.0 Profiles 4.1.3.5 and 4.1.4.5; Keycloak Server Administration Guide, SAML clients",
                        "Clients > <saml client> > Keys / Signature and Encryption > Sign documents or Sign assertions: on (attributes saml.server.signature, saml.assertion.signature).",
                        (realm, out) -> realm.samlClients().forEach(client -> {
                            String server = attribute(client.value(), "saml.server.signature");
                            String assertion = attribute(client.value(), "saml.assertion.signature");
                            if ("false".equals(server) && !isTrue(assertion)) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['saml.server.signature']",
                                        "neither documents nor assertions are signed");
                            }
                        })),
                new Check(
                        "client.saml-unsigned-requests",
                        Severity.MEDIUM,
                        "clients",
                        "SAML client's requests are not verified",
                        "With client signature off Keycloak accepts any AuthnRequest or LogoutRequest naming the client, including forged logout requests.",
                        "SAML 2.0 Bindings 3.4.4.1 and 3.5.3; Keycloak Server Administration Guide, SAML clients",
                        "Clients > <saml client> > Keys > Client signature required: on (attribute saml.client.signature).",
                        (realm, out) -> realm.samlClients().forEach(client -> {
                            if ("false".equals(attribute(client.value(), "saml.client.signature"))) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['saml.client.signature']",
                                        "client signature is not required");
                            }
                        })),
                new Check(
                        "client.saml-sha1",
                        Severity.MEDIUM,
                        "clients",
                        "SAML client signs with SHA-1",
                        "SHA-1 signatures are collision-prone and deprecated for digital signatures.",
                        "NIST SP 800-131A Rev. 2 section 9; RFC 6194",
                        "Clients > <saml client> > Signature and Encryption > Signature algorithm: RSA_SHA256 or ECDSA_SHA256 (attribute saml.signature.algorithm).",
                        (realm, out) -> realm.samlClients().forEach(client -> {
                            String algorithm = attribute(client.value(), "saml.signature.algorithm");
                            if (algorithm != null && algorithm.endsWith("SHA1")) {
                                out.report(
                                        target(client.value()),
                                        client.path() + ".attributes['saml.signature.algorithm']",
                                        "signature algorithm " + algorithm);
                            }
                        })));
    }

    @FunctionalInterface
    private interface ServiceAccountRoles {
        void accept(UserRepresentation user, String path, List<String> adminRoles);
    }

    /** Each service-account user of the export with the realm-management roles it reaches (directly, by composite or group). */
    private static void serviceAccounts(AuditedRealm realm, ServiceAccountRoles action) {
        List<UserRepresentation> users = realm.rep().getUsers();
        if (users == null) {
            return;
        }
        Map<String, org.keycloak.representations.idm.GroupRepresentation> groupsByPath = new java.util.HashMap<>();
        realm.forEachGroup((group, path) -> groupsByPath.put(group.getPath(), group));
        for (int i = 0; i < users.size(); i++) {
            UserRepresentation user = users.get(i);
            if (user.getServiceAccountClientId() == null) {
                continue;
            }
            java.util.Set<String> reached =
                    new java.util.TreeSet<>(realm.adminRolesReached(user.getRealmRoles(), user.getClientRoles()));
            if (user.getGroups() != null) {
                for (String groupPath : user.getGroups()) {
                    var group = groupsByPath.get(groupPath);
                    if (group != null) {
                        reached.addAll(realm.adminRolesReached(group.getRealmRoles(), group.getClientRoles()));
                    }
                }
            }
            if (!reached.isEmpty()) {
                action.accept(user, "$.users[" + i + "]", List.copyOf(reached));
            }
        }
    }
}
