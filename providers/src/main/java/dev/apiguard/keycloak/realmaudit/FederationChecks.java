package dev.apiguard.keycloak.realmaudit;

import static dev.apiguard.keycloak.realmaudit.AuditedRealm.componentTarget;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.config;

import java.util.List;
import java.util.function.BiConsumer;
import org.keycloak.representations.idm.ComponentExportRepresentation;

/**
 * Checks over user federation ({@code components["org.keycloak.storage.UserStorageProvider"]},
 * LDAP): transport security, anonymous binds, password policy on writable directories, and LDAP
 * mappers that grant realm-management roles. The bind credential is a secrets check.
 */
final class FederationChecks {

    private static final String LDAP_MAPPER = "org.keycloak.storage.ldap.mappers.LDAPStorageMapper";

    private FederationChecks() {}

    private static Check.Rule eachLdap(
            BiConsumer<AuditedRealm.Indexed<ComponentExportRepresentation>, Check.Reporter> body) {
        return (realm, out) -> realm.components(AuditedRealm.USER_STORAGE).forEach(component -> {
            if ("ldap".equals(component.value().getProviderId()) && AuditedRealm.componentEnabled(component.value())) {
                body.accept(component, out);
            }
        });
    }

    static List<Check> all() {
        return List.of(
                new Check(
                        "federation.ldap-without-tls",
                        Severity.HIGH,
                        "federation",
                        "LDAP connection without TLS",
                        "With ldap:// and no StartTLS every password a user types is sent to the directory in clear text, and so is the bind credential.",
                        "NIST SP 800-63B 5.1.1.2 (verifiers over protected channels); RFC 4513 3.1.1",
                        "User federation > <ldap> > Connection URL: ldaps://..., or Enable StartTLS: on (config connectionUrl, startTls).",
                        eachLdap((ldap, out) -> {
                            String url = config(ldap.value(), "connectionUrl");
                            if (url != null
                                    && url.trim()
                                            .toLowerCase(java.util.Locale.ROOT)
                                            .startsWith("ldap://")
                                    && !AuditedRealm.isTrue(config(ldap.value(), "startTls"))) {
                                out.report(
                                        componentTarget(ldap.value()),
                                        ldap.path() + ".config.connectionUrl",
                                        "connection URL '" + url + "' without StartTLS");
                            }
                        })),
                new Check(
                        "federation.ldap-anonymous-bind",
                        Severity.MEDIUM,
                        "federation",
                        "LDAP bound anonymously",
                        "An anonymous bind means the directory serves user data to anyone who can reach it.",
                        "RFC 4513 5.1.1 (anonymous authentication); OWASP API Security Top 10 2023 API8",
                        "User federation > <ldap> > Bind type: simple, with a dedicated read-only bind DN (config authType).",
                        eachLdap((ldap, out) -> {
                            if ("none".equals(config(ldap.value(), "authType"))) {
                                out.report(
                                        componentTarget(ldap.value()),
                                        ldap.path() + ".config.authType",
                                        "bind type is none (anonymous)");
                            }
                        })),
                new Check(
                        "federation.ldap-password-policy-skipped",
                        Severity.LOW,
                        "federation",
                        "Realm password policy not applied to LDAP passwords",
                        "In writable mode, passwords set through Keycloak go to LDAP without the realm's length and blocklist rules.",
                        "NIST SP 800-63B 5.1.1.2",
                        "User federation > <ldap> > Validate password policy: on (config validatePasswordPolicy).",
                        eachLdap((ldap, out) -> {
                            if ("WRITABLE".equals(config(ldap.value(), "editMode"))
                                    && !AuditedRealm.isTrue(config(ldap.value(), "validatePasswordPolicy"))) {
                                out.report(
                                        componentTarget(ldap.value()),
                                        ldap.path() + ".config",
                                        "writable LDAP without the realm's password policy");
                            }
                        })),
                new Check(
                        "federation.mapper-grants-admin",
                        Severity.HIGH,
                        "federation",
                        "LDAP mapper grants realm-management roles",
                        "A hard-coded role mapper with an administrator role makes every directory user an administrator of the realm.",
                        "OWASP API Security Top 10 2023 API5; Keycloak Server Administration Guide, LDAP mappers",
                        "User federation > <ldap> > Mappers: remove hardcoded-ldap-role-mapper entries that name realm-management roles.",
                        (realm, out) -> realm.components(AuditedRealm.USER_STORAGE)
                                .forEach(component -> {
                                    var subs = component.value().getSubComponents();
                                    List<ComponentExportRepresentation> mappers =
                                            subs == null ? null : subs.get(LDAP_MAPPER);
                                    for (int i = 0; mappers != null && i < mappers.size(); i++) {
                                        String role = config(mappers.get(i), "role");
                                        if (role != null && IdentityProviderChecks.grantsAdmin(realm, role)) {
                                            out.report(
                                                    componentTarget(component.value()),
                                                    component.path() + ".subComponents['" + LDAP_MAPPER + "'][" + i
                                                            + "].config.role",
                                                    "mapper '" + mappers.get(i).getName() + "' grants " + role);
                                        }
                                    }
                                })));
    }
}
