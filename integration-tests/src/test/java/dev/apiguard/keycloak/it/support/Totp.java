package dev.apiguard.keycloak.it.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time codes as Keycloak's default OTP policy makes them: HMAC-SHA1, 30 s
 * steps, 6 digits. Keycloak uses the bytes of the secret string it shows in the enrolment form's
 * hidden {@code totpSecret} field as the key.
 */
public final class Totp {

    private Totp() {}

    /** The code for the time step {@code offset} steps after the current one (Keycloak looks one step ahead). */
    public static String code(String secret, int offset) {
        long step = System.currentTimeMillis() / 1000 / 30 + offset;
        return code(secret.getBytes(StandardCharsets.UTF_8), step, 6);
    }

    static String code(byte[] key, long step, int digits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24)
                    | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8)
                    | (hash[offset + 3] & 0xff);
            int modulus = (int) Math.pow(10, digits);
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JDK", e);
        }
    }
}
