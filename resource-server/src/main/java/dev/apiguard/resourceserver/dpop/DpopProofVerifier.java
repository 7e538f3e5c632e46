package dev.apiguard.resourceserver.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.resourceserver.Rejection;
import dev.apiguard.resourceserver.TokenRejectedException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a DPoP proof (RFC 9449 §4.3 and §7.1) presented with a DPoP-bound access token:
 *
 * <ol>
 *   <li>a JWS (not {@code none}, not JWE) of at most 8 KiB, header {@code typ} {@code dpop+jwt}, {@code alg}
 *       in the allow-list (asymmetric only), a {@code jwk} header holding a public key only, and a signature
 *       that verifies with that key;</li>
 *   <li>{@code jti} a non-empty string of at most 256 characters;</li>
 *   <li>{@code htm} equal to the request method; {@code htu} equal to the request URI without query and
 *       fragment, both normalised (scheme and host in lower case, default port removed, empty path as
 *       {@code /}; RFC 9449 §4.3 point 9);</li>
 *   <li>{@code iat} within the acceptance window: not older than {@code maxAge}, not ahead of now by more
 *       than the clock skew;</li>
 *   <li>{@code ath} equal to the base64url SHA-256 of the access token, compared in constant time;</li>
 *   <li>the SHA-256 JWK thumbprint (RFC 7638) of the proof's key equal to the token's {@code cnf.jkt},
 *       compared in constant time;</li>
 *   <li>last, the proof's {@code jti} (scoped by the key thumbprint) not seen before, through the
 *       {@link DpopReplayStore}; it is kept until the proof could no longer be accepted.</li>
 * </ol>
 *
 * <p>Every refusal is {@code invalid_dpop_proof}. Server-provided nonces (RFC 9449 §9) are not used.
 */
public final class DpopProofVerifier {

    public static final int MAX_PROOF_LENGTH = 8 * 1024;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
    private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

    private final Set<JWSAlgorithm> algorithms;
    private final Duration maxAge;
    private final Duration clockSkew;
    private final DpopReplayStore replayStore;
    private final Clock clock;

    public DpopProofVerifier(
            Set<JWSAlgorithm> algorithms,
            Duration maxAge,
            Duration clockSkew,
            DpopReplayStore replayStore,
            Clock clock) {
        this.algorithms = Set.copyOf(algorithms);
        for (JWSAlgorithm alg : this.algorithms) {
            if (!JWSAlgorithm.Family.EC.contains(alg) && !JWSAlgorithm.Family.RSA.contains(alg)) {
                throw new IllegalArgumentException(
                        "DPoP proof algorithm " + alg + " is not accepted; allowed: EC and RSA signatures");
            }
        }
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("DPoP maxAge must lie between 1 s and 300 s, got " + maxAge);
        }
        this.maxAge = maxAge;
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.replayStore = Objects.requireNonNull(replayStore, "replayStore");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /**
     * Checks {@code proof} for a request.
     *
     * @param method      the request method, e.g. {@code GET}
     * @param requestUri  the URI the client called (scheme, host, port, path)
     * @param accessToken the access token sent with the proof
     * @param jkt         the token's {@code cnf.jkt}
     */
    public void verify(String proof, String method, URI requestUri, String accessToken, String jkt)
            throws TokenRejectedException {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH) {
            throw reject("the DPoP proof is empty or longer than " + MAX_PROOF_LENGTH + " characters");
        }
        SignedJWT jwt = parse(proof);
        JWSHeader header = jwt.getHeader();
        if (!DPOP_JWT.equals(header.getType())) {
            throw reject("the DPoP proof's typ must be dpop+jwt");
        }
        JWSAlgorithm alg = header.getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw reject("DPoP proof algorithm " + alg + " is not accepted");
        }
        JWK key = header.getJWK();
        if (key == null) {
            throw reject("the DPoP proof has no jwk header");
        }
        if (key.isPrivate()) {
            throw reject("the DPoP proof's jwk header must hold a public key only");
        }
        if (!signatureValid(jwt, key, alg)) {
            throw reject("the DPoP proof's signature does not verify with its jwk");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject("the DPoP proof's claims are not a JSON object");
        }
        String jti = string(claims, "jti");
        if (jti.length() > 256) {
            throw reject("the DPoP proof's jti is longer than 256 characters");
        }
        if (!method.equals(string(claims, "htm"))) {
            throw reject("the DPoP proof's htm does not match the request method");
        }
        String htu = normalizedHtu(string(claims, "htu"));
        if (htu == null || !htu.equals(normalizedHtu(requestUri.toString()))) {
            throw reject("the DPoP proof's htu does not match the request URI");
        }
        Instant now = clock.instant();
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw reject("the DPoP proof has no iat");
        }
        if (iat.toInstant().isAfter(now.plus(clockSkew)) || iat.toInstant().isBefore(now.minus(maxAge))) {
            throw reject("the DPoP proof's iat is outside the accepted window of " + maxAge.toSeconds() + " s");
        }
        Base64URL expectedAth = Base64URL.encode(sha256(accessToken.getBytes(StandardCharsets.US_ASCII)));
        if (!constantTimeEquals(expectedAth.toString(), string(claims, "ath"))) {
            throw reject("the DPoP proof's ath does not match the access token");
        }
        String thumbprint;
        try {
            thumbprint = key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw reject("the DPoP proof's key has no thumbprint");
        }
        if (!constantTimeEquals(thumbprint, jkt)) {
            throw reject("the DPoP proof's key is not the key the access token is bound to");
        }
        Instant keepUntil = iat.toInstant().plus(maxAge).plus(clockSkew);
        if (!replayStore.markUsed(thumbprint + ":" + jti, keepUntil)) {
            throw reject("the DPoP proof was already used");
        }
    }

    private static SignedJWT parse(String proof) throws TokenRejectedException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(proof);
        } catch (ParseException e) {
            throw reject("the DPoP proof is not a well-formed JWT");
        }
        if (jwt instanceof SignedJWT signed) {
            return signed;
        }
        throw reject("the DPoP proof must be a signed JWT");
    }

    private static boolean signatureValid(SignedJWT jwt, JWK key, JWSAlgorithm alg) throws TokenRejectedException {
        JWSVerifier verifier;
        try {
            if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
                verifier = new ECDSAVerifier(ec);
            } else if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
                if (rsa.size() < 2048) {
                    throw reject("the DPoP proof's RSA key is shorter than 2048 bits");
                }
                verifier = new RSASSAVerifier(rsa);
            } else {
                throw reject("the DPoP proof's jwk does not fit its algorithm " + alg);
            }
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    private static String string(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Object value = claims.getClaim(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw reject("the DPoP proof has no " + name + " claim (a non-empty string)");
        }
        return s;
    }

    /**
     * The URI compared for {@code htu}: scheme and host in lower case, the default port dropped, empty path
     * as {@code /}, query and fragment removed. {@code null} when not an absolute http(s) URI.
     */
    static String normalizedHtu(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme)
                || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            return null;
        }
        int port = uri.getPort();
        if (port == 443 && "https".equals(scheme) || port == 80 && "http".equals(scheme)) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port) + path;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static TokenRejectedException reject(String description) {
        return new TokenRejectedException(Rejection.invalidDpopProof(description));
    }
}
