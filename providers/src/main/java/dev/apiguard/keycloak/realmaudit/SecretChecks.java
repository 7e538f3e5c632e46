package dev.apiguard.keycloak.realmaudit;

import static dev.apiguard.keycloak.realmaudit.AuditedRealm.config;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.isLiteralSecret;

import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Literal secrets anywhere in the representation: client secrets, identity-provider secrets, the
 * SMTP password, LDAP bind credentials, keystore passwords, user passwords and password hashes.
 * A value is externalized when it is exactly one {@code ${ENV}} placeholder without a default
 * (as realm-config uses them) or a {@code ${vault.key}} reference; Keycloak's mask
 * {@code **********} (partial exports, the live audit) is not a secret either.
 */
final class SecretChecks {

    private static final String REMEDIATION_SUFFIX = " Rotate the exposed value: it is in every copy of the file.";

    private SecretChecks() {}

    static List<Check> all() {
        return List.of(
                new Check(
                        "secrets.client-secret",
                        Severity.HIGH,
                        "secrets",
                        "Client secret written in the file",
                        "Anyone with read access to the repository or the export can act as the client.",
                        "RFC 6749 10.1 and 2.3.1; OWASP API Security Top 10 2023 API2 and API8",
                        "clients[].secret: a ${ENV_VAR} placeholder (realm-config) or ${vault.key} reference."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> realm.clients().forEach(client -> {
                            if (isLiteralSecret(client.value().getSecret())) {
                                out.report(
                                        AuditedRealm.target(client.value()),
                                        client.path() + ".secret",
                                        "client secret is a literal value");
                            }
                        })),
                new Check(
                        "secrets.identity-provider-secret",
                        Severity.HIGH,
                        "secrets",
                        "Identity-provider client secret written in the file",
                        "The secret authenticates the realm at the upstream provider; whoever has it can redeem codes issued for the realm.",
                        "RFC 6749 10.1; OWASP API Security Top 10 2023 API8",
                        "identityProviders[].config.clientSecret: ${vault.key} (Identity providers > <alias> > Client secret) or a ${ENV_VAR} placeholder."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> {
                            List<IdentityProviderRepresentation> providers =
                                    realm.rep().getIdentityProviders();
                            for (int i = 0; providers != null && i < providers.size(); i++) {
                                Map<String, String> config = providers.get(i).getConfig();
                                if (config != null && isLiteralSecret(config.get("clientSecret"))) {
                                    out.report(
                                            "identity-provider:"
                                                    + providers.get(i).getAlias(),
                                            "$.identityProviders[" + i + "].config.clientSecret",
                                            "client secret is a literal value");
                                }
                            }
                        }),
                new Check(
                        "secrets.smtp-password",
                        Severity.HIGH,
                        "secrets",
                        "SMTP password written in the file",
                        "The mail account sends the realm's password-reset links: with its password an attacker can send convincing phishing or read resets.",
                        "OWASP API Security Top 10 2023 API8; Keycloak Server Administration Guide, vault",
                        "smtpServer.password: ${vault.key} (Realm settings > Email > Password) or a ${ENV_VAR} placeholder."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> {
                            Map<String, String> smtp = realm.rep().getSmtpServer();
                            if (smtp != null) {
                                for (String name : List.of("password", "authTokenClientSecret")) {
                                    if (isLiteralSecret(smtp.get(name))) {
                                        out.report(
                                                "smtp", "$.smtpServer." + name, "SMTP " + name + " is a literal value");
                                    }
                                }
                            }
                        }),
                new Check(
                        "secrets.ldap-bind-credential",
                        Severity.HIGH,
                        "secrets",
                        "LDAP bind credential written in the file",
                        "The bind account reads (often writes) the directory of every user.",
                        "OWASP API Security Top 10 2023 API8; Keycloak Server Administration Guide, vault",
                        "User federation > <ldap> > Bind credentials: ${vault.key} (config bindCredential)."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> realm.components(AuditedRealm.USER_STORAGE)
                                .forEach(component -> {
                                    if (isLiteralSecret(config(component.value(), "bindCredential"))) {
                                        out.report(
                                                AuditedRealm.componentTarget(component.value()),
                                                component.path() + ".config.bindCredential",
                                                "bind credential is a literal value");
                                    }
                                })),
                new Check(
                        "secrets.keystore-password",
                        Severity.HIGH,
                        "secrets",
                        "Keystore password written in the file",
                        "The keystore password unlocks the realm's signing keys wherever the keystore is copied.",
                        "RFC 7517 9.2; OWASP API Security Top 10 2023 API8",
                        "Realm settings > Keys > java-keystore provider: keystorePassword and keyPassword as ${vault.key}."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> realm.components(AuditedRealm.KEY_PROVIDER)
                                .forEach(key -> {
                                    for (String name : List.of("keystorePassword", "keyPassword")) {
                                        if (isLiteralSecret(config(key.value(), name))) {
                                            out.report(
                                                    AuditedRealm.componentTarget(key.value()),
                                                    key.path() + ".config." + name,
                                                    name + " is a literal value");
                                        }
                                    }
                                })),
                new Check(
                        "secrets.user-password",
                        Severity.HIGH,
                        "secrets",
                        "User password written in the file",
                        "The account is open to everyone who can read the file.",
                        "NIST SP 800-63B 5.1.1.2; OWASP API Security Top 10 2023 API2",
                        "users[].credentials[].value: a ${ENV_VAR} placeholder, or leave credentials out and let users set them (required action UPDATE_PASSWORD)."
                                + REMEDIATION_SUFFIX,
                        (realm, out) -> eachCredential(realm, (user, credential, path) -> {
                            if (isLiteralSecret(credential.getValue())) {
                                out.report(
                                        "user:" + user.getUsername(),
                                        path + ".value",
                                        "credential of type " + credential.getType() + " is a literal value");
                            }
                        })),
                new Check(
                        "secrets.password-hashes",
                        Severity.MEDIUM,
                        "secrets",
                        "Password hashes in the export",
                        "Hashes in a file can be cracked offline at leisure, without brute-force protection or events.",
                        "NIST SP 800-63B 5.1.1.2 (verifier storage); OWASP API Security Top 10 2023 API8",
                        "Export without users (kc.sh export --users skip, or a partial export), or keep user exports out of version control.",
                        (realm, out) -> eachCredential(realm, (user, credential, path) -> {
                            if (credential.getSecretData() != null
                                    && !credential.getSecretData().isBlank()
                                    && !AuditedRealm.MASKED.equals(credential.getSecretData())) {
                                out.report(
                                        "user:" + user.getUsername(),
                                        path + ".secretData",
                                        "stored " + credential.getType() + " credential of the user");
                            }
                        })));
    }

    @FunctionalInterface
    private interface CredentialAction {
        void accept(UserRepresentation user, CredentialRepresentation credential, String path);
    }

    private static void eachCredential(AuditedRealm realm, CredentialAction action) {
        List<UserRepresentation> users = realm.rep().getUsers();
        for (int i = 0; users != null && i < users.size(); i++) {
            List<CredentialRepresentation> credentials = users.get(i).getCredentials();
            for (int j = 0; credentials != null && j < credentials.size(); j++) {
                action.accept(users.get(i), credentials.get(j), "$.users[" + i + "].credentials[" + j + "]");
            }
        }
    }
}
