package dev.apiguard.keycloak.keys;

import java.util.List;
import java.util.Set;

/**
 * The keys of one provider and algorithm in a realm, which rotate together: one signs, one may be
 * published next, some are retired.
 *
 * @param id        {@code <provider id>/<algorithm>}, e.g. {@code ecdsa-generated/ES256}
 * @param providerId the Keycloak key provider
 * @param algorithm the JOSE algorithm
 * @param kind      what the keys sign
 * @param keys      the family's enabled keys
 */
record KeyFamily(String id, String providerId, String algorithm, KeyKind kind, List<KeyRecord> keys) {

    /** Keycloak's generated key providers whose keys API Guard rotates. */
    static final Set<String> ROTATED_PROVIDERS =
            Set.of("ecdsa-generated", "rsa-generated", "eddsa-generated", "hmac-generated", "aes-generated");

    private static final Set<String> SECRET_PROVIDERS = Set.of("hmac-generated", "aes-generated");

    KeyFamily {
        keys = List.copyOf(keys);
    }

    static String idOf(String providerId, String algorithm) {
        return providerId + "/" + algorithm;
    }

    static KeyKind kindOf(String providerId) {
        return SECRET_PROVIDERS.contains(providerId) ? KeyKind.SECRET : KeyKind.SIGNING;
    }
}
