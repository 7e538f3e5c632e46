package dev.apiguard.resourceserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * Signature verification for one public JWK. EC and RSA use nimbus's verifiers; Ed25519 uses the JDK's own
 * implementation (Java 15+), so that EdDSA needs no optional dependency (nimbus's {@code Ed25519Verifier}
 * needs Google Tink).
 */
final class SignatureChecks {

    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410), followed by the 32-byte key. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** Algorithms this class can verify. HMAC and {@code none} are deliberately absent. */
    static final Set<JWSAlgorithm> SUPPORTED = Set.of(
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);

    /** Verifies {@code signature} over the JWS signing input. */
    interface Check {
        boolean verify(JWSAlgorithm alg, byte[] signingInput, Base64URL signature);
    }

    private SignatureChecks() {}

    /**
     * A check for {@code jwk}, which must be public and of the family of {@code alg}.
     *
     * @throws IllegalArgumentException when the key cannot verify that algorithm
     */
    static Check forKey(JWK jwk, JWSAlgorithm alg) {
        if (jwk.isPrivate()) {
            throw new IllegalArgumentException("a private key is not accepted for verification");
        }
        try {
            if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
                return nimbus(new ECDSAVerifier(ec));
            }
            if (jwk instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
                return nimbus(new RSASSAVerifier(rsa));
            }
            if (jwk instanceof OctetKeyPair okp
                    && (JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg))
                    && Curve.Ed25519.equals(okp.getCurve())) {
                return ed25519(okp.getX().decode());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key of type " + jwk.getKeyType() + " cannot verify " + alg, e);
        }
        throw new IllegalArgumentException("key of type " + jwk.getKeyType() + " cannot verify " + alg);
    }

    private static Check nimbus(JWSVerifier verifier) {
        return (alg, input, signature) -> {
            try {
                return verifier.verify(new com.nimbusds.jose.JWSHeader(alg), input, signature);
            } catch (JOSEException e) {
                // A malformed signature (wrong length, bad DER) is a failed verification, not an error.
                return false;
            }
        };
    }

    private static Check ed25519(byte[] x) {
        if (x.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got " + x.length);
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid Ed25519 public key", e);
        }
        return (alg, input, signature) -> {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(input);
                return verifier.verify(signature.decode());
            } catch (GeneralSecurityException e) {
                // The JDK throws SignatureException for a malformed signature: a failed verification.
                return false;
            }
        };
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
