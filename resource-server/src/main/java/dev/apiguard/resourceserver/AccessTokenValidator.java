package dev.apiguard.resourceserver;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.resourceserver.jwks.JwksSettings;
import dev.apiguard.resourceserver.jwks.RemoteJwks;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a JWT access token strictly, following RFC 9068 with no lenient default. In this order:
 *
 * <ol>
 *   <li>at most {@value #MAX_TOKEN_LENGTH} characters; a JWS in compact form (no unsecured {@code none} JWT,
 *       no JWE);</li>
 *   <li>header {@code alg} in the allow-list (default ES256, PS256, EdDSA; RS256 only when listed; HMAC and
 *       {@code none} can never be listed); header {@code typ} {@code at+jwt} or {@code application/at+jwt}
 *       (RFC 9068 §2.1; ID tokens, logout tokens and plain JWTs carry other types); a {@code kid}; no
 *       {@code crit} header;</li>
 *   <li>the key with that {@code kid}, of the algorithm's key type, from the issuer's JWKS (see
 *       {@link RemoteJwks}); the signature verifies with it;</li>
 *   <li>{@code iss} equals the issuer exactly, as the discovery document names it;</li>
 *   <li>{@code aud} contains a configured audience (there is no way to build a validator without one);</li>
 *   <li>{@code exp} and {@code iat} present; {@code exp} not passed, {@code nbf} (when present) and {@code iat}
 *       not ahead, each with the clock skew (default 30 s, at most 60 s);</li>
 *   <li>{@code sub}, {@code client_id}, {@code jti} present as non-empty strings; {@code scope} absent or a
 *       string;</li>
 *   <li>not another kind of token: a Keycloak {@code typ} claim other than {@code Bearer} (ID, Refresh,
 *       Logout tokens) and an {@code events} claim (a logout token) are refused;</li>
 *   <li>{@code cnf}: absent, or holding a {@code jkt} (DPoP binding, checked by {@link ResourceServer});
 *       another confirmation method (mTLS {@code x5t#S256}) is refused because it cannot be checked here.</li>
 * </ol>
 *
 * <p>Verified-token cache ({@link VerifiedTokenCacheSettings}, on by default, {@link
 * VerifiedTokenCacheSettings#OFF} turns it off): a token that passed every check above is remembered under the
 * SHA-256 of its exact compact serialization, with the JWK that verified it. When the same string comes again, the
 * parsing and the signature check (steps 1 to 5, 7 to 9, which depend only on the token's bytes and this
 * validator's fixed configuration) are skipped, and these are checked again instead:
 *
 * <ul>
 *   <li>the entry is younger than {@link VerifiedTokenCacheSettings#maxEntryAge()} and the clock has not gone
 *       back since it was made (otherwise the token is validated from scratch);</li>
 *   <li>step 6, {@code exp}, {@code nbf} and {@code iat} against the current time with the clock skew (an
 *       expired token is refused and dropped);</li>
 *   <li>the verifying JWK is still in the issuer's JWKS under the token's {@code kid}, through the same cached,
 *       refreshed JWK source as step 3 (a key removed or replaced at the issuer drops the entry at the JWKS
 *       refresh that sees it, and the token is validated from scratch, which refuses it).</li>
 * </ul>
 *
 * <p>A refused token is never remembered. DPoP proofs, scopes and step-up are checked by {@link ResourceServer}
 * and {@link Requirement} on every request, cached token or not.
 *
 * <p>Every refusal is a {@link TokenRejectedException} with {@link BearerError#INVALID_TOKEN}. Thread-safe;
 * build one per issuer and audience and share it.
 */
public final class AccessTokenValidator implements AutoCloseable {

    /** Longest token accepted, in characters. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /** Default and largest clock skew. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Default algorithm allow-list. */
    public static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS =
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType APPLICATION_AT_JWT = new JOSEObjectType("application/at+jwt");

    private final String issuer;
    private final Set<String> audiences;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration clockSkew;
    private final Clock clock;
    private final JWKSource<SecurityContext> keys;
    private final RemoteJwks remoteJwks;
    private final Map<JWK, SignatureChecks.Check> checks = new ConcurrentHashMap<>();
    private final VerifiedTokenCacheSettings cacheSettings;
    private final VerifiedTokenCache cache;

    private AccessTokenValidator(Builder b, JWKSource<SecurityContext> keys, RemoteJwks remoteJwks) {
        this.cacheSettings = b.cacheSettings;
        this.cache = b.cacheSettings.enabled() ? new VerifiedTokenCache(b.cacheSettings.maxEntries()) : null;
        this.issuer = b.issuer;
        this.audiences = Set.copyOf(b.audiences);
        this.algorithms = Set.copyOf(b.algorithms);
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.keys = keys;
        this.remoteJwks = remoteJwks;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Validates {@code token} (the token alone, without a scheme).
     *
     * @throws TokenRejectedException with {@link BearerError#INVALID_TOKEN} naming the first failed check
     */
    public AccessToken validate(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw reject("the access token is empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw reject("the access token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        VerifiedTokenCache.Digest digest = null;
        if (cache != null) {
            digest = cache.digest(token);
            VerifiedTokenCache.Entry entry = cache.get(digest);
            if (entry != null) {
                AccessToken cached = revalidate(digest, entry);
                if (cached != null) {
                    return cached;
                }
            }
        }
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw reject("algorithm " + alg + " is not accepted; accepted: " + names(algorithms));
        }
        JOSEObjectType typ = header.getType();
        if (typ == null || !(equalsIgnoreCase(typ, AT_JWT) || equalsIgnoreCase(typ, APPLICATION_AT_JWT))) {
            throw reject("token type (typ) must be at+jwt, got " + (typ == null ? "none" : "'" + typ + "'"));
        }
        if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
            throw reject("the token header names no key (kid)");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw reject("critical header parameters are not supported: " + header.getCriticalParams());
        }
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        JWK verifiedBy = verifySignature(jwt, selector, header, alg);
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject("the token's claims are not a JSON object");
        }
        AccessToken accessToken = checkClaims(claims);
        if (cache != null) {
            Date nbf = claims.getNotBeforeTime();
            cache.put(
                    digest,
                    new VerifiedTokenCache.Entry(
                            accessToken, selector, verifiedBy, nbf == null ? null : nbf.toInstant(), clock.instant()));
        }
        return accessToken;
    }

    /**
     * The remembered token if it is still valid now; {@code null} when it must be validated from scratch (the entry
     * is too old, the clock went back, or its key is no longer the issuer's).
     *
     * @throws TokenRejectedException when its time claims fail now (the entry is dropped)
     */
    private AccessToken revalidate(VerifiedTokenCache.Digest digest, VerifiedTokenCache.Entry entry)
            throws TokenRejectedException {
        Instant now = clock.instant();
        if (now.isBefore(entry.verifiedAt) || now.isAfter(entry.verifiedAt.plus(cacheSettings.maxEntryAge()))) {
            cache.remove(digest, entry);
            return null;
        }
        AccessToken token = entry.token;
        try {
            checkTimes(token.expiresAt(), entry.notBefore, token.issuedAt(), now);
        } catch (TokenRejectedException e) {
            cache.remove(digest, entry);
            throw e;
        }
        if (!stillPublished(entry)) {
            cache.remove(digest, entry);
            return null;
        }
        return token;
    }

    /** Whether the JWK that verified the entry's token is still what the issuer's JWKS gives for its header. */
    private boolean stillPublished(VerifiedTokenCache.Entry entry) {
        List<JWK> candidates;
        try {
            candidates = keys.get(entry.selector, null);
        } catch (KeySourceException e) {
            // Keys unavailable (or a rate-limited refetch): validating from scratch gives the refusal its reason.
            return false;
        }
        if (candidates == null) {
            return false;
        }
        for (JWK candidate : candidates) {
            if (candidate == entry.key || candidate.equals(entry.key)) {
                return true;
            }
        }
        return false;
    }

    private SignedJWT parse(String token) throws TokenRejectedException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw reject("the access token is not a well-formed JWT");
        }
        if (jwt instanceof SignedJWT signed) {
            return signed;
        }
        throw reject("the access token must be a signed JWT (JWS), got "
                + (jwt.getHeader().getAlgorithm() == com.nimbusds.jose.Algorithm.NONE
                        ? "an unsecured JWT (alg none)"
                        : "an encrypted JWT"));
    }

    /** Verifies the signature with the issuer's key for {@code header}; returns that key. */
    private JWK verifySignature(SignedJWT jwt, JWKSelector selector, JWSHeader header, JWSAlgorithm alg)
            throws TokenRejectedException {
        List<JWK> candidates;
        try {
            candidates = keys.get(selector, null);
        } catch (RateLimitReachedException e) {
            throw reject("no key '" + header.getKeyID() + "' in the issuer's JWKS (refetch rate-limited)");
        } catch (KeySourceException e) {
            throw reject("the issuer's signing keys are not available");
        }
        if (candidates == null || candidates.isEmpty()) {
            throw reject("no key '" + header.getKeyID() + "' for " + alg + " in the issuer's JWKS");
        }
        byte[] signingInput = jwt.getSigningInput();
        for (JWK candidate : candidates) {
            SignatureChecks.Check check = checkFor(candidate, alg);
            if (check != null && check.verify(alg, signingInput, jwt.getSignature())) {
                return candidate;
            }
        }
        throw reject("the token's signature does not verify");
    }

    private SignatureChecks.Check checkFor(JWK jwk, JWSAlgorithm alg) {
        SignatureChecks.Check cached = checks.get(jwk);
        if (cached != null) {
            return cached;
        }
        SignatureChecks.Check check;
        try {
            check = SignatureChecks.forKey(jwk, alg);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (checks.size() > 64) {
            // Keys rotate: a bounded memo is enough, a rare rebuild is cheap.
            checks.clear();
        }
        checks.put(jwk, check);
        return check;
    }

    private AccessToken checkClaims(JWTClaimsSet claims) throws TokenRejectedException {
        if (!issuer.equals(claims.getIssuer())) {
            throw reject("issuer (iss) must be exactly '" + issuer + "', got " + quoted(claims.getIssuer()));
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty() || Collections.disjoint(aud, audiences)) {
            throw reject("audience (aud) must contain " + String.join(" or ", audiences) + ", got "
                    + (aud == null ? "none" : aud));
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw reject("the token has no expiry (exp)");
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw reject("the token has no issue time (iat)");
        }
        Date nbf = claims.getNotBeforeTime();
        checkTimes(exp.toInstant(), nbf == null ? null : nbf.toInstant(), iat.toInstant(), clock.instant());
        String subject = requiredString(claims, "sub");
        String clientId = requiredString(claims, "client_id");
        String jti = requiredString(claims, "jti");
        Object kind = claims.getClaim("typ");
        if (kind != null && !"Bearer".equals(kind)) {
            throw reject("the token is not an access token (typ claim " + quoted(String.valueOf(kind)) + ")");
        }
        if (claims.getClaim("events") != null) {
            throw reject("a logout token is not an access token");
        }
        Set<String> scopes = scopes(claims);
        String acr = optionalString(claims, "acr");
        Instant authTime = optionalTime(claims, "auth_time");
        String jkt = confirmation(claims);
        return new AccessToken(
                subject,
                clientId,
                claims.getIssuer(),
                aud,
                scopes,
                jti,
                iat.toInstant(),
                exp.toInstant(),
                acr,
                authTime,
                jkt,
                claims);
    }

    /** Step 6: {@code exp} not passed, {@code nbf} (when present) and {@code iat} not ahead, with the skew. */
    private void checkTimes(Instant exp, Instant nbf, Instant iat, Instant now) throws TokenRejectedException {
        if (now.isAfter(exp.plus(clockSkew))) {
            throw reject("the token expired at " + exp);
        }
        if (nbf != null && nbf.isAfter(now.plus(clockSkew))) {
            throw reject("the token is not valid before " + nbf);
        }
        if (iat.isAfter(now.plus(clockSkew))) {
            throw reject("the token is issued in the future (" + iat + ")");
        }
    }

    private static Set<String> scopes(JWTClaimsSet claims) throws TokenRejectedException {
        Object scope = claims.getClaim("scope");
        if (scope == null) {
            return Set.of();
        }
        if (!(scope instanceof String s)) {
            throw reject("the scope claim must be a space-delimited string");
        }
        Set<String> result = new LinkedHashSet<>();
        for (String item : s.split(" ")) {
            if (!item.isEmpty()) {
                result.add(item);
            }
        }
        return result;
    }

    private static String confirmation(JWTClaimsSet claims) throws TokenRejectedException {
        Object cnf = claims.getClaim("cnf");
        if (cnf == null) {
            return null;
        }
        if (!(cnf instanceof Map<?, ?> map)) {
            throw reject("the cnf claim must be a JSON object");
        }
        Object jkt = map.get("jkt");
        if (map.size() != 1 || !(jkt instanceof String s) || s.isEmpty()) {
            throw reject("the token is bound by a confirmation method this API does not check (only cnf.jkt, DPoP)");
        }
        return s;
    }

    private static String requiredString(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Object value = claims.getClaim(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw reject("the token has no " + name + " claim (a non-empty string)");
        }
        return s;
    }

    private static String optionalString(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Object value = claims.getClaim(name);
        if (value != null && !(value instanceof String)) {
            throw reject("the " + name + " claim must be a string");
        }
        return (String) value;
    }

    private static Instant optionalTime(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number) && !(value instanceof Date)) {
            throw reject("the " + name + " claim must be a number of seconds");
        }
        try {
            return claims.getDateClaim(name).toInstant();
        } catch (ParseException e) {
            throw reject("the " + name + " claim must be a number of seconds");
        }
    }

    private static boolean equalsIgnoreCase(JOSEObjectType a, JOSEObjectType b) {
        return a.getType().toLowerCase(Locale.ROOT).equals(b.getType());
    }

    private static String quoted(String value) {
        return value == null ? "none" : "'" + value + "'";
    }

    private static String names(Set<JWSAlgorithm> algs) {
        return algs.stream()
                .map(JWSAlgorithm::getName)
                .sorted()
                .reduce((a, b) -> a + " " + b)
                .orElse("");
    }

    static TokenRejectedException reject(String description) {
        return new TokenRejectedException(Rejection.invalidToken(description));
    }

    public String issuer() {
        return issuer;
    }

    public Set<String> audiences() {
        return audiences;
    }

    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    Clock clock() {
        return clock;
    }

    /** How verified tokens are remembered. */
    public VerifiedTokenCacheSettings verifiedTokenCache() {
        return cacheSettings;
    }

    /** Tokens remembered now (0 when the cache is off). */
    int cachedTokens() {
        return cache == null ? 0 : cache.size();
    }

    /** Presentations answered from the cache so far (revalidated hits and refused ones alike). */
    long cacheHits() {
        return cache == null ? 0 : cache.hits();
    }

    /** Calls to the JWKS endpoint so far, or -1 when keys were given directly. */
    public long jwksFetchCount() {
        return remoteJwks == null ? -1 : remoteJwks.fetchCount();
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.clear();
        }
        if (remoteJwks != null) {
            remoteJwks.close();
        }
    }

    /**
     * Builds a validator. {@link #issuer(String)} and {@link #audience(String...)} are required; everything else
     * has a strict default.
     */
    public static final class Builder {
        private String issuer;
        private Set<String> audiences = Set.of();
        private Set<JWSAlgorithm> algorithms = DEFAULT_ALGORITHMS;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Clock clock = Clock.systemUTC();
        private JwksSettings jwksSettings = JwksSettings.DEFAULTS;
        private JWKSet staticKeys;
        private Duration discoveryTimeout = Duration.ofSeconds(5);
        private javax.net.ssl.SSLSocketFactory sslSocketFactory;
        private VerifiedTokenCacheSettings cacheSettings = VerifiedTokenCacheSettings.DEFAULTS;

        private Builder() {}

        /** The issuer identifier, exactly as the tokens' {@code iss} and the discovery document carry it. */
        public Builder issuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            URI uri = URI.create(issuer);
            if (!uri.isAbsolute()
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "issuer must be an http(s) URL without query or fragment, got '" + issuer + "'");
            }
            this.issuer = issuer;
            return this;
        }

        /** The audience values of this API; a token must carry at least one of them in {@code aud}. Required. */
        public Builder audience(String... audiences) {
            Set<String> set = new LinkedHashSet<>(Arrays.asList(audiences));
            if (set.isEmpty() || set.stream().anyMatch(a -> a == null || a.isBlank())) {
                throw new IllegalArgumentException(
                        "audience needs at least one non-blank value, got " + Arrays.toString(audiences));
            }
            this.audiences = set;
            return this;
        }

        /**
         * The accepted signature algorithms (default ES256, PS256, EdDSA). RS256/384/512 are accepted only when
         * listed here. HMAC ({@code HS*}) and {@code none} are refused: a resource server holds no shared secret.
         */
        public Builder algorithms(JWSAlgorithm... algs) {
            Set<JWSAlgorithm> set = new LinkedHashSet<>(Arrays.asList(algs));
            if (set.isEmpty()) {
                throw new IllegalArgumentException("algorithms needs at least one algorithm");
            }
            for (JWSAlgorithm alg : set) {
                if (!SignatureChecks.SUPPORTED.contains(alg)) {
                    throw new IllegalArgumentException(
                            "algorithm " + alg + " is not accepted; allowed: " + names(SignatureChecks.SUPPORTED));
                }
            }
            this.algorithms = set;
            return this;
        }

        /** Tolerance for {@code exp}, {@code nbf} and {@code iat}; default 30 s, between 0 and 60 s. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "clockSkew");
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException(
                        "clockSkew must lie between 0 and " + MAX_CLOCK_SKEW.toSeconds() + " s, got " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        /** How the JWKS is cached and refreshed; default {@link JwksSettings#DEFAULTS}. */
        public Builder jwks(JwksSettings settings) {
            this.jwksSettings = Objects.requireNonNull(settings, "jwks settings");
            return this;
        }

        /**
         * Verification keys given directly (distributed out of band, or in tests and benchmarks): discovery and
         * the JWKS endpoint are then not used, and the issuer is taken as configured.
         */
        public Builder staticKeys(JWKSet keys) {
            Objects.requireNonNull(keys, "keys");
            if (keys.getKeys().stream().anyMatch(JWK::isPrivate)) {
                throw new IllegalArgumentException("staticKeys must hold public keys only");
            }
            this.staticKeys = keys;
            return this;
        }

        /** Timeout for reading the discovery document at build time; default 5 s. */
        public Builder discoveryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "discoveryTimeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("discoveryTimeout must lie between 1 ms and 60 s, got " + timeout);
            }
            this.discoveryTimeout = timeout;
            return this;
        }

        /**
         * TLS for the discovery document and the JWKS when the issuer's certificate is not trusted by the JVM
         * (a private CA, a development certificate); default the JVM's trust store.
         */
        public Builder sslSocketFactory(javax.net.ssl.SSLSocketFactory factory) {
            this.sslSocketFactory = Objects.requireNonNull(factory, "sslSocketFactory");
            return this;
        }

        /**
         * How verified tokens are remembered so that the same token is not parsed and its signature not verified
         * on every request; default {@link VerifiedTokenCacheSettings#DEFAULTS} (10,000 tokens, 10 min),
         * {@link VerifiedTokenCacheSettings#OFF} to verify every time.
         */
        public Builder verifiedTokenCache(VerifiedTokenCacheSettings settings) {
            this.cacheSettings = Objects.requireNonNull(settings, "verifiedTokenCache");
            return this;
        }

        /** The clock for time-based claims; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Reads the discovery document (unless {@link #staticKeys(JWKSet)} was given) and builds the validator.
         *
         * @throws IllegalStateException when issuer or audience is missing, or discovery fails or names another issuer
         */
        public AccessTokenValidator build() {
            if (issuer == null) {
                throw new IllegalStateException("issuer is required");
            }
            if (audiences.isEmpty()) {
                throw new IllegalStateException(
                        "audience is required: a validator without one would accept tokens meant "
                                + "for any API of the issuer");
            }
            if (staticKeys != null) {
                return new AccessTokenValidator(this, new ImmutableJWKSet<>(staticKeys), null);
            }
            Discovery discovery = Discovery.fetch(issuer, discoveryTimeout, sslSocketFactory);
            RemoteJwks remote = new RemoteJwks(discovery.jwksUri(), jwksSettings, sslSocketFactory);
            return new AccessTokenValidator(this, remote.source(), remote);
        }
    }
}
