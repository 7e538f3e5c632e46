package dev.apiguard.keycloak.realmaudit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * Checks over identity providers and their mappers: signature validation, trusted e-mail, PKCE,
 * plain-HTTP endpoints, issuer validation, client authentication, signed SAML assertions, clock
 * skew, and mappers that hand out realm-management roles. Social providers (google, github, ...)
 * have fixed endpoints and are checked for e-mail trust and mappers only.
 */
final class IdentityProviderChecks {

    private static final Set<String> OIDC = Set.of("oidc", "keycloak-oidc");
    private static final List<String> ENDPOINTS = List.of(
            "authorizationUrl",
            "tokenUrl",
            "userInfoUrl",
            "jwksUrl",
            "logoutUrl",
            "singleSignOnServiceUrl",
            "singleLogoutServiceUrl");

    private IdentityProviderChecks() {}

    /** One identity provider with its index. */
    private record Provider(int index, IdentityProviderRepresentation rep) {
        String target() {
            return "identity-provider:" + rep.getAlias();
        }

        String path() {
            return "$.identityProviders[" + index + "]";
        }

        String config(String key) {
            Map<String, String> config = rep.getConfig();
            return config == null ? null : config.get(key);
        }

        boolean oidc() {
            return AuditedRealm.in(OIDC, rep.getProviderId());
        }

        boolean saml() {
            return "saml".equals(rep.getProviderId());
        }
    }

    private static Check.Rule each(BiConsumer<Provider, Check.Reporter> body) {
        return (realm, out) -> {
            List<IdentityProviderRepresentation> providers = realm.rep().getIdentityProviders();
            for (int i = 0; providers != null && i < providers.size(); i++) {
                if (!Boolean.FALSE.equals(providers.get(i).isEnabled())) {
                    body.accept(new Provider(i, providers.get(i)), out);
                }
            }
        };
    }

    static List<Check> all() {
        return List.of(
                new Check(
                        "identity-providers.signature-not-validated",
                        Severity.HIGH,
                        "identity-providers",
                        "Identity-provider signatures not validated",
                        "Without signature validation Keycloak accepts forged ID tokens or SAML responses and signs in whoever the forger names.",
                        "OpenID Connect Core 1.0 3.1.3.7; SAML 2.0 Profiles 4.1.4.3; RFC 8725 3.1",
                        "Identity providers > <alias> > Validate Signatures: on, with the provider's JWKS URL or certificate (config validateSignature).",
                        each((p, out) -> {
                            if ((p.oidc() || p.saml()) && !AuditedRealm.isTrue(p.config("validateSignature"))) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config.validateSignature",
                                        "signatures of '" + p.rep().getAlias() + "' are not validated");
                            }
                        })),
                new Check(
                        "identity-providers.trust-email",
                        Severity.MEDIUM,
                        "identity-providers",
                        "E-mail addresses from the provider trusted as verified",
                        "With trust email on, an address the provider never verified becomes a verified address in the realm, which e-mail-based linking and resets then trust.",
                        "OWASP API Security Top 10 2023 API2; Keycloak Server Administration Guide, identity brokering (trust email)",
                        "Identity providers > <alias> > Advanced settings > Trust Email: off (trustEmail: false), unless the provider verifies every address.",
                        each((p, out) -> {
                            if (p.rep().isTrustEmail()) {
                                out.report(
                                        p.target(),
                                        p.path() + ".trustEmail",
                                        "e-mail addresses from '" + p.rep().getAlias() + "' are trusted as verified");
                            }
                        })),
                new Check(
                        "identity-providers.pkce-off",
                        Severity.MEDIUM,
                        "identity-providers",
                        "PKCE not used towards the provider",
                        "Keycloak is the client here: without PKCE an authorization code injected into its broker endpoint can be redeemed.",
                        "RFC 9700 2.1.1; OAuth 2.1 (draft) 4.1.1",
                        "Identity providers > <alias> > Use PKCE: on, method S256 (config pkceEnabled, pkceMethod).",
                        each((p, out) -> {
                            if (p.oidc()
                                    && (!AuditedRealm.isTrue(p.config("pkceEnabled"))
                                            || "plain".equals(p.config("pkceMethod")))) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config",
                                        "'" + p.rep().getAlias() + "' does not use PKCE S256");
                            }
                        })),
                new Check(
                        "identity-providers.http-endpoint",
                        Severity.HIGH,
                        "identity-providers",
                        "Identity-provider endpoint over plain http",
                        "Codes, tokens, keys or assertions travel in clear text and can be replaced on the network.",
                        "RFC 9700 2.1; OAuth 2.1 (draft) 1.5; OWASP API Security Top 10 2023 API10 (unsafe consumption of APIs)",
                        "Identity providers > <alias>: https URLs for every endpoint (config authorizationUrl, tokenUrl, jwksUrl, ...).",
                        each((p, out) -> {
                            for (String endpoint : ENDPOINTS) {
                                String url = p.config(endpoint);
                                if (AuditedRealm.isPlainHttpOffLoopback(url)) {
                                    out.report(
                                            p.target(),
                                            p.path() + ".config." + endpoint,
                                            endpoint + " '" + url + "' uses http");
                                }
                            }
                        })),
                new Check(
                        "identity-providers.issuer-unchecked",
                        Severity.MEDIUM,
                        "identity-providers",
                        "Issuer of the provider's tokens not checked",
                        "Without an expected issuer Keycloak cannot tell the provider's tokens from another issuer's (mix-up).",
                        "RFC 9700 4.4; OpenID Connect Core 1.0 3.1.3.7",
                        "Identity providers > <alias> > Issuer: the provider's issuer identifier (config issuer).",
                        each((p, out) -> {
                            String issuer = p.config("issuer");
                            if (p.oidc() && (issuer == null || issuer.isBlank())) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config",
                                        "'" + p.rep().getAlias() + "' has no expected issuer");
                            }
                        })),
                new Check(
                        "identity-providers.shared-secret-authentication",
                        Severity.LOW,
                        "identity-providers",
                        "Keycloak authenticates to the provider with a shared secret",
                        "A client secret sent to the provider can leak there or on the way; a signed JWT with a private key cannot be replayed elsewhere.",
                        "RFC 9700 2.5; FAPI 2.0 Security Profile 5.3.3.4",
                        "Identity providers > <alias> > Client authentication: JWT signed with private key (config clientAuthMethod private_key_jwt).",
                        each((p, out) -> {
                            String method = p.config("clientAuthMethod");
                            if (p.oidc() && (method == null || method.startsWith("client_secret"))) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config",
                                        "'" + p.rep().getAlias() + "' authenticates with "
                                                + (method == null ? "client_secret_post" : method));
                            }
                        })),
                new Check(
                        "identity-providers.saml-assertions-unsigned",
                        Severity.HIGH,
                        "identity-providers",
                        "Unsigned SAML assertions accepted",
                        "Keycloak does not require the provider to sign assertions: an assertion inside an otherwise valid response can be swapped.",
                        "SAML 2.0 Profiles 4.1.3.5 and 4.1.4.1; OWASP SAML Security Cheat Sheet",
                        "Identity providers > <saml alias> > Want Assertions signed: on (config wantAssertionsSigned).",
                        each((p, out) -> {
                            if (p.saml() && !AuditedRealm.isTrue(p.config("wantAssertionsSigned"))) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config",
                                        "'" + p.rep().getAlias() + "' accepts unsigned assertions");
                            }
                        })),
                new Check(
                        "identity-providers.clock-skew-large",
                        Severity.LOW,
                        "identity-providers",
                        "Large clock skew allowed for the provider's tokens",
                        "A skew of more than a minute extends the life of every expired token from the provider.",
                        "RFC 7519 4.1.4 (a few minutes at most); RFC 8725 3.10",
                        "Identity providers > <alias> > Allowed clock skew: 60 s or less (config allowedClockSkew).",
                        each((p, out) -> {
                            long skew = AuditedRealm.seconds(p.config("allowedClockSkew"), 0);
                            if (skew > 60) {
                                out.report(
                                        p.target(),
                                        p.path() + ".config.allowedClockSkew",
                                        "allowed clock skew is " + skew + " s");
                            }
                        })),
                new Check(
                        "identity-providers.mapper-grants-admin",
                        Severity.HIGH,
                        "identity-providers",
                        "Identity-provider mapper grants realm-management roles",
                        "A mapper that grants an administrator role on login (hard-coded, or from a claim the provider's users may control) makes the upstream provider an administrator of this realm.",
                        "OWASP API Security Top 10 2023 API5; Keycloak Server Administration Guide, identity provider mappers",
                        "Identity providers > <alias> > Mappers: remove role mappers that name realm-management roles; grant administration in this realm only.",
                        (realm, out) -> {
                            List<IdentityProviderMapperRepresentation> mappers =
                                    realm.rep().getIdentityProviderMappers();
                            for (int i = 0; mappers != null && i < mappers.size(); i++) {
                                IdentityProviderMapperRepresentation mapper = mappers.get(i);
                                String role = mapper.getConfig() == null
                                        ? null
                                        : mapper.getConfig().get("role");
                                if (role != null && grantsAdmin(realm, role)) {
                                    out.report(
                                            "identity-provider:" + mapper.getIdentityProviderAlias(),
                                            "$.identityProviderMappers[" + i + "].config.role",
                                            "mapper '" + mapper.getName() + "' grants " + role);
                                }
                            }
                        }));
    }

    /** Whether a mapper's role reference ({@code client.role} or a realm role) reaches a realm-management role. */
    static boolean grantsAdmin(AuditedRealm realm, String role) {
        int dot = role.lastIndexOf('.');
        if (dot > 0 && realm.isAdminClient(role.substring(0, dot))) {
            return true;
        }
        return !realm.adminRolesReached(List.of(role), Map.of()).isEmpty();
    }
}
