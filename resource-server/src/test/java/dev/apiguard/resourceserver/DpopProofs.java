package dev.apiguard.resourceserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** DPoP proofs for tests, good and bad. */
final class DpopProofs {

    static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

    private DpopProofs() {}

    static JWTClaimsSet.Builder claims(String htm, String htu, String accessToken) {
        return new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .claim("htm", htm)
                .claim("htu", htu)
                .issueTime(Date.from(Instant.now()))
                .claim("ath", ath(accessToken));
    }

    static String proof(ECKey key, JWTClaimsSet claims) {
        return proof(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(DPOP_JWT)
                        .jwk(key.toPublicJWK())
                        .build(),
                claims,
                key);
    }

    static String proof(JWSHeader header, JWTClaimsSet claims, ECKey signingKey) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new ECDSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof whose header is written as given (nimbus refuses to build some bad headers). */
    static String rawProof(String headerJson, JWTClaimsSet claims, ECKey signingKey) {
        try {
            String input = Tokens.b64(headerJson) + "." + Tokens.b64(claims.toString());
            Base64URL signature = new ECDSASigner(signingKey)
                    .sign(new JWSHeader(JWSAlgorithm.ES256), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String ath(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                            .digest(accessToken.getBytes(StandardCharsets.US_ASCII)))
                    .toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jkt(JWK key) {
        try {
            return key.toPublicJWK().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
