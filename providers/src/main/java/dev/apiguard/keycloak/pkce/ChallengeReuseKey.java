package dev.apiguard.keycloak.pkce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The key under which a seen {@code code_challenge} is remembered: a SHA-256 of realm, client and
 * challenge, so that every entry has the same small size whatever a client sends and the store
 * holds no request value. Prefixed so that it cannot collide with Keycloak's own single-use
 * objects (codes use {@code code:}).
 */
public final class ChallengeReuseKey {

    static final String PREFIX = "apiguard-pkce-challenge:";

    private ChallengeReuseKey() {}

    public static String of(String realmId, String clientId, String codeChallenge) {
        Objects.requireNonNull(realmId, "realmId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {realmId, clientId, codeChallenge}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(ByteLength.of(bytes.length));
                digest.update(bytes);
            }
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Length prefixes keep ("ab","c") and ("a","bc") apart. */
    private static final class ByteLength {
        static byte[] of(int length) {
            return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
        }
    }
}
