package dev.apiguard.keycloak.realmaudit;

import static dev.apiguard.keycloak.realmaudit.AuditedRealm.componentEnabled;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.componentTarget;
import static dev.apiguard.keycloak.realmaudit.AuditedRealm.config;

import dev.apiguard.keycloak.keys.PolicyException;
import dev.apiguard.keycloak.keys.RotationPolicy;
import dev.apiguard.keycloak.realmaudit.AuditedRealm.Indexed;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.keycloak.representations.idm.ComponentExportRepresentation;

/**
 * Checks over the realm's key providers ({@code components["org.keycloak.keys.KeyProvider"]}):
 * RSA size, HMAC and AES size, key material in the export, key age against the rotation period,
 * adoption of API Guard's rotation, an active FAPI 2.0 signing key, RSA1_5 encryption.
 */
final class KeyChecks {

    private static final Set<String> RSA_PROVIDERS = Set.of("rsa-generated", "rsa-enc-generated", "rsa", "rsa-enc");
    private static final List<String> KEY_MATERIAL =
            List.of("privateKey", "ecdsaPrivateKey", "eddsaPrivateKey", "secret");
    /** API Guard's key lifecycle record (keys/KeyInventory): epoch seconds the key was published. */
    static final String KEY_CREATED = "apiguard.keyCreated";

    private KeyChecks() {}

    static List<Check> all() {
        return List.of(
                new Check(
                        "keys.rsa-too-short",
                        Severity.HIGH,
                        "keys",
                        "RSA key shorter than 2048 bits",
                        "RSA keys under 2048 bits are within reach of well-funded attackers; FAPI 2.0 requires at least 2048.",
                        "FAPI 2.0 Security Profile 5.4.1; RFC 7518 3.3 and 4.2; NIST SP 800-131A Rev. 2",
                        "Realm settings > Keys > Providers > <rsa provider> > Key size: 2048 or more (config keySize), or add a new key and disable this one.",
                        (realm, out) -> realm.components(AuditedRealm.KEY_PROVIDER)
                                .forEach(key -> {
                                    if (!AuditedRealm.in(
                                                    RSA_PROVIDERS, key.value().getProviderId())
                                            || !componentEnabled(key.value())) {
                                        return;
                                    }
                                    int bits = rsaBits(key.value());
                                    if (bits > 0 && bits < 2048) {
                                        out.report(
                                                componentTarget(key.value()),
                                                key.path() + ".config.keySize",
                                                "RSA key of " + bits + " bits");
                                    }
                                })),
                new Check(
                        "keys.secret-key-too-short",
                        Severity.MEDIUM,
                        "keys",
                        "HMAC or AES key too short",
                        "An HMAC key shorter than the hash output (32 bytes for HS256) or an AES key under 128 bits weakens what it protects: refresh tokens, cookies and action tokens.",
                        "RFC 7518 3.2 (key at least as large as the hash output); NIST SP 800-131A Rev. 2",
                        "Realm settings > Keys > Providers > hmac-generated / aes-generated > Secret size: 64 (HMAC) or 32 (AES) bytes (config secretSize).",
                        (realm, out) -> realm.components(AuditedRealm.KEY_PROVIDER)
                                .forEach(key -> {
                                    long size = AuditedRealm.seconds(config(key.value(), "secretSize"), -1);
                                    String provider = key.value().getProviderId();
                                    if (!componentEnabled(key.value()) || size < 0) {
                                        return;
                                    }
                                    if ("hmac-generated".equals(provider) && size < 32
                                            || "aes-generated".equals(provider) && size < 16) {
                                        out.report(
                                                componentTarget(key.value()),
                                                key.path() + ".config.secretSize",
                                                provider + " key of " + size + " bytes");
                                    }
                                })),
                new Check(
                        "keys.private-key-in-export",
                        Severity.CRITICAL,
                        "keys",
                        "Private or secret key material in the export",
                        "Whoever reads the file can sign tokens as the realm; a realm file belongs in version control, keys do not.",
                        "RFC 7517 9.2 (protection of private keys); OWASP API Security Top 10 2023 API8",
                        "Remove privateKey / secret from components; let Keycloak generate keys at import (rsa-generated, ecdsa-generated) or load them from a keystore with a ${vault.*} password. Rotate the exposed key.",
                        (realm, out) -> realm.components(AuditedRealm.KEY_PROVIDER)
                                .forEach(key -> {
                                    for (String name : KEY_MATERIAL) {
                                        if (AuditedRealm.isLiteralSecret(config(key.value(), name))) {
                                            out.report(
                                                    componentTarget(key.value()),
                                                    key.path() + ".config." + name,
                                                    name + " of " + key.value().getProviderId() + " is in the file");
                                        }
                                    }
                                })),
                new Check(
                        "keys.active-key-too-old",
                        Severity.MEDIUM,
                        "keys",
                        "Active key older than the rotation period",
                        "A signing key used past its period widens the window for an undetected compromise and for cryptanalysis; automated regular rotation is recommended.",
                        "FAPI 2.0 Security Profile 6 (key rotation); NIST SP 800-57 Part 1 5.3 (cryptoperiods)",
                        "Adopt API Guard's rotation (realm attribute apiguard.keyRotation) or Realm settings > Keys > Add provider, then make the old key passive (config active: false) once the new one is published.",
                        (realm, out) -> {
                            RotationPolicy policy = policy(realm).orElse(RotationPolicy.DEFAULT);
                            Duration period = Duration.ofSeconds(policy.rotationPeriod());
                            realm.components(AuditedRealm.KEY_PROVIDER).forEach(key -> {
                                String active = config(key.value(), "active");
                                if (!componentEnabled(key.value())
                                        || (active != null && !AuditedRealm.isTrue(active))) {
                                    return;
                                }
                                created(key.value()).ifPresent(created -> {
                                    Duration age = Duration.between(created, realm.now());
                                    if (age.compareTo(period) > 0) {
                                        out.report(
                                                componentTarget(key.value()),
                                                key.path(),
                                                "active key is " + age.toDays() + " days old, rotation period is "
                                                        + period.toDays() + " days");
                                    }
                                });
                            });
                        }),
                new Check(
                        "keys.rotation-not-adopted",
                        Severity.LOW,
                        "keys",
                        "Key rotation not adopted",
                        "Keycloak never rotates keys by itself; without a rotation policy a realm signs with the same key until someone remembers.",
                        "FAPI 2.0 Security Profile 6 (automated regular key rotation); NIST SP 800-57 Part 1 5.3",
                        "Realm settings > General > Attributes: apiguard.keyRotation with enabled true (or PUT /admin/realms/{realm}/apiguard/v1/keys/policy).",
                        (realm, out) -> {
                            Optional<RotationPolicy> policy = policy(realm);
                            if (realm.realmAttribute(RotationPolicy.REALM_ATTRIBUTE) == null) {
                                out.report(
                                        "realm",
                                        "$.attributes",
                                        "attribute " + RotationPolicy.REALM_ATTRIBUTE + " is not set");
                            } else if (policy.isPresent() && !policy.get().enabled()) {
                                out.report(
                                        "realm",
                                        "$.attributes['" + RotationPolicy.REALM_ATTRIBUTE + "']",
                                        "key rotation is disabled");
                            }
                        }),
                new Check(
                        "keys.no-fapi-signing-key",
                        Severity.MEDIUM,
                        "keys",
                        "No active FAPI 2.0 signing key",
                        "Without an active ES256, PS256 or EdDSA key the realm can only sign with RS256 or HMAC, which FAPI 2.0 does not allow.",
                        "FAPI 2.0 Security Profile 5.4; RFC 7518 3.1",
                        "Realm settings > Keys > Add provider > ecdsa-generated (P-256) or eddsa-generated, active and enabled.",
                        (realm, out) -> {
                            List<Indexed<ComponentExportRepresentation>> keys =
                                    realm.components(AuditedRealm.KEY_PROVIDER);
                            boolean fapi = keys.stream()
                                    .map(Indexed::value)
                                    .filter(AuditedRealm::componentEnabled)
                                    .filter(k ->
                                            config(k, "active") == null || AuditedRealm.isTrue(config(k, "active")))
                                    .anyMatch(KeyChecks::isFapiSigningKey);
                            if (!fapi) {
                                out.report(
                                        "realm",
                                        keys.isEmpty() ? "$" : "$.components['" + AuditedRealm.KEY_PROVIDER + "']",
                                        keys.isEmpty()
                                                ? "no key providers declared: Keycloak generates RS256, HS512 and AES keys only"
                                                : "no active ecdsa, eddsa or PS256 key provider");
                            }
                        }),
                new Check(
                        "keys.rsa1-5-encryption",
                        Severity.HIGH,
                        "keys",
                        "RSA1_5 encryption key",
                        "RSAES-PKCS1-v1_5 is open to padding-oracle (Bleichenbacher) attacks; RSA-OAEP is the safe choice.",
                        "RFC 7518 4.2; RFC 8725 3.2",
                        "Realm settings > Keys > Providers > rsa-enc-generated > Algorithm: RSA-OAEP (config algorithm).",
                        (realm, out) -> realm.components(AuditedRealm.KEY_PROVIDER)
                                .forEach(key -> {
                                    if (componentEnabled(key.value())
                                            && "RSA1_5".equals(config(key.value(), "algorithm"))) {
                                        out.report(
                                                componentTarget(key.value()),
                                                key.path() + ".config.algorithm",
                                                "encryption algorithm RSA1_5");
                                    }
                                })));
    }

    static Optional<RotationPolicy> policy(AuditedRealm realm) {
        String json = realm.realmAttribute(RotationPolicy.REALM_ATTRIBUTE);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RotationPolicy.parse(json));
        } catch (PolicyException e) {
            // RealmFileCheck and the keys admin API report an invalid policy; here it counts as the default.
            return Optional.empty();
        }
    }

    private static boolean isFapiSigningKey(ComponentExportRepresentation key) {
        String provider = key.getProviderId();
        String algorithm = config(key, "algorithm");
        if ("ecdsa-generated".equals(provider) || "eddsa-generated".equals(provider) || "ecdsa".equals(provider)) {
            return true;
        }
        return AuditedRealm.in(RSA_PROVIDERS, provider)
                && !provider.contains("enc")
                && algorithm != null
                && algorithm.startsWith("PS");
    }

    private static int rsaBits(ComponentExportRepresentation key) {
        long size = AuditedRealm.seconds(config(key, "keySize"), -1);
        if (size > 0) {
            return (int) size;
        }
        return certificate(key)
                .map(c -> c.getPublicKey() instanceof RSAPublicKey rsa
                        ? rsa.getModulus().bitLength()
                        : -1)
                .orElse(-1);
    }

    /** When the key was made: API Guard's record, else the validity start of its certificate. */
    static Optional<Instant> created(ComponentExportRepresentation key) {
        long recorded = AuditedRealm.seconds(config(key, KEY_CREATED), -1);
        if (recorded > 0) {
            return Optional.of(Instant.ofEpochSecond(recorded));
        }
        return certificate(key).map(c -> c.getNotBefore().toInstant());
    }

    private static Optional<X509Certificate> certificate(ComponentExportRepresentation key) {
        String pem = config(key, "certificate");
        if (pem == null || pem.isBlank() || AuditedRealm.secretForm(pem) != AuditedRealm.SecretForm.LITERAL) {
            return Optional.empty();
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return Optional.of((X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)));
        } catch (CertificateException | IllegalArgumentException e) {
            // Not a certificate we can read: the key's age and size stay unknown, and no check guesses.
            return Optional.empty();
        }
    }
}
