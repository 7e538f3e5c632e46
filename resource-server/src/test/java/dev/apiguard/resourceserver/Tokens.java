package dev.apiguard.resourceserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Keys and token minting for tests: every token the corpus needs, good and bad. */
final class Tokens {

    static final String AUDIENCE = "orders-api";
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private Tokens() {}

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rsa(String kid, JWSAlgorithm alg) {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(alg)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key made with the JDK (nimbus's generator would need Tink). */
    static OctetKeyPair ed25519(String kid) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] x509 = pair.getPublic().getEncoded();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            byte[] x = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
            byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                    .d(Base64URL.encode(d))
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.EdDSA)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWTClaimsSet.Builder claims(String issuer) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject("user-1")
                .claim("client_id", "demo-spa")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "openid orders:read orders:write");
    }

    static JWSHeader.Builder header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).type(AT_JWT).keyID(kid);
    }

    /** Signs with {@code key} (EC, RSA or Ed25519) under {@code header}. */
    static String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
        try {
            if (key instanceof OctetKeyPair okp) {
                return signEd25519(header, claims, okp);
            }
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWTClaimsSet claims, ECKey key) {
        return sign(header(JWSAlgorithm.ES256, key.getKeyID()).build(), claims, key);
    }

    /** HMAC with an arbitrary secret: the classic "public key as HMAC secret" confusion. */
    static String hmac(JWSAlgorithm alg, String kid, JWTClaimsSet claims, byte[] secret) {
        try {
            byte[] padded = secret.length >= 64 ? secret : Arrays.copyOf(secret, 64);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(alg).type(AT_JWT).keyID(kid).build(), claims);
            jwt.sign(new MACSigner(padded));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsecured(String headerJson, JWTClaimsSet claims) {
        return b64(headerJson) + "." + b64(claims.toString()) + ".";
    }

    private static String signEd25519(JWSHeader header, JWTClaimsSet claims, OctetKeyPair key) {
        try {
            String input = header.toBase64URL() + "." + b64(claims.toString());
            byte[] pkcs8Prefix = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420");
            byte[] pkcs8 = new byte[pkcs8Prefix.length + 32];
            System.arraycopy(pkcs8Prefix, 0, pkcs8, 0, pkcs8Prefix.length);
            System.arraycopy(key.getD().decode(), 0, pkcs8, pkcs8Prefix.length, 32);
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(java.security.KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8)));
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static List<String> list(String... values) {
        return List.of(values);
    }
}
