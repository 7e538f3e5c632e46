package dev.apiguard.resourceserver;

import static dev.apiguard.resourceserver.BearerError.INVALID_DPOP_PROOF;
import static dev.apiguard.resourceserver.BearerError.INVALID_REQUEST;
import static dev.apiguard.resourceserver.BearerError.INVALID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of bad tokens and requests: each one is refused with its RFC 6750 (or RFC 9449) error, and
 * the good controls beside them pass, so that a refusal is due to the one thing each case changes.
 */
class BadTokenCorpusTest {

    private static TestIssuer issuer;
    private static ResourceServer server;
    private static ECKey ec;
    private static ECKey otherRealmSameKid;
    private static ECKey otherRealm;
    private static RSAKey ps;
    private static RSAKey rs;
    private static OctetKeyPair ed;
    private static ECKey holder;
    private static ECKey otherHolder;

    @BeforeAll
    static void start() throws Exception {
        ec = Tokens.ec("ec-1");
        otherRealmSameKid = Tokens.ec("ec-1");
        otherRealm = Tokens.ec("other-realm-1");
        ps = Tokens.rsa("ps-1", JWSAlgorithm.PS256);
        rs = Tokens.rsa("rs-1", JWSAlgorithm.RS256);
        ed = Tokens.ed25519("ed-1");
        holder = Tokens.ec("holder");
        otherHolder = Tokens.ec("other-holder");
        issuer = new TestIssuer(ec, ps, rs, ed);
        AccessTokenValidator validator = AccessTokenValidator.builder()
                .issuer(issuer.issuer())
                .audience(Tokens.AUDIENCE)
                .build();
        server = ResourceServer.builder()
                .validator(validator)
                .resource(URI.create("https://api.example.test"))
                .build();
    }

    @AfterAll
    static void stop() {
        server.validator().close();
        issuer.close();
    }

    private static JWTClaimsSet.Builder claims() {
        return Tokens.claims(issuer.issuer());
    }

    private static String good() {
        return Tokens.sign(claims().build(), ec);
    }

    private static String es256(JWTClaimsSet claims) {
        return Tokens.sign(claims, ec);
    }

    private static String withHeader(JWSHeader header, JWTClaimsSet claims) {
        return Tokens.sign(header, claims, ec);
    }

    private static Date secondsFromNow(long seconds) {
        return Date.from(Instant.now().plusSeconds(seconds));
    }

    private static String bound(ECKey key) {
        return es256(claims().claim("cnf", Map.of("jkt", DpopProofs.jkt(key))).build());
    }

    private static TestRequest dpop(String token, String proof) {
        return TestRequest.get().header("Authorization", "DPoP " + token).header("DPoP", proof);
    }

    private static TestRequest dpopWith(java.util.function.UnaryOperator<JWTClaimsSet.Builder> change) {
        String token = bound(holder);
        return dpop(
                token,
                DpopProofs.proof(
                        holder,
                        change.apply(DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token))
                                .build()));
    }

    private static Arguments bad(String name, Supplier<HttpRequestView> request, BearerError error) {
        return Arguments.of(name, request, error);
    }

    private static Arguments badToken(String name, Supplier<String> token) {
        return bad(name, () -> TestRequest.bearer(token.get()), INVALID_TOKEN);
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                // Algorithms
                badToken("alg none", () -> Tokens.unsecured("{\"alg\":\"none\",\"typ\":\"at+jwt\"}", claims().build())),
                badToken(
                        "alg none with a kid",
                        () -> Tokens.unsecured(
                                "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"ec-1\"}", claims().build())),
                badToken(
                        "alg NONE in upper case",
                        () -> Tokens.unsecured(
                                        "{\"alg\":\"NONE\",\"typ\":\"at+jwt\",\"kid\":\"ec-1\"}", claims().build())
                                + "c2ln"),
                badToken(
                        "HS256 signed with the EC public key as secret",
                        () -> Tokens.hmac(
                                JWSAlgorithm.HS256,
                                "ec-1",
                                claims().build(),
                                ec.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))),
                badToken(
                        "HS256 signed with the RSA public key as secret",
                        () -> Tokens.hmac(JWSAlgorithm.HS256, "rs-1", claims().build(), publicKeyBytes(rs))),
                badToken(
                        "HS512 like a Keycloak refresh token",
                        () -> Tokens.hmac(
                                JWSAlgorithm.HS512,
                                "ec-1",
                                claims().claim("typ", "Refresh").build(),
                                new byte[64])),
                badToken(
                        "RS256 without opt-in",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.RS256, "rs-1").build(), claims().build(), rs)),
                badToken(
                        "ES384 not in the allow-list",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.ES384, "ec-1").build(), claims().build(), p384())),
                badToken(
                        "ES256 header naming an RSA key",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.ES256, "ps-1").build(), claims().build(), ec)),
                badToken(
                        "PS256 signed with another realm's RSA key under our kid",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.PS256, "ps-1").build(),
                                claims().build(),
                                Tokens.rsa("ps-1", JWSAlgorithm.PS256))),
                // Token type
                badToken(
                        "typ JWT",
                        () -> withHeader(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .type(JOSEObjectType.JWT)
                                        .build(),
                                claims().build())),
                badToken(
                        "typ missing",
                        () -> withHeader(
                                new JWSHeader.Builder(JWSAlgorithm.ES256)
                                        .keyID("ec-1")
                                        .build(),
                                claims().build())),
                badToken(
                        "typ dpop+jwt",
                        () -> withHeader(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .type(DpopProofs.DPOP_JWT)
                                        .build(),
                                claims().build())),
                badToken(
                        "ID token (typ JWT, typ claim ID, nonce)",
                        () -> withHeader(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .type(JOSEObjectType.JWT)
                                        .build(),
                                claims().claim("typ", "ID")
                                        .claim("nonce", "n-1")
                                        .audience("demo-spa")
                                        .build())),
                badToken(
                        "ID token claims under an at+jwt header",
                        () -> es256(claims().claim("typ", "ID")
                                .claim("nonce", "n-1")
                                .build())),
                badToken(
                        "refresh token claims under an at+jwt header",
                        () -> es256(claims().claim("typ", "Refresh").build())),
                badToken(
                        "logout token (typ logout+jwt, events)",
                        () -> withHeader(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .type(new JOSEObjectType("logout+jwt"))
                                        .build(),
                                claims().claim(
                                                "events",
                                                Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
                                        .build())),
                badToken(
                        "logout token claims under an at+jwt header",
                        () -> es256(claims().claim(
                                        "events",
                                        Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
                                .build())),
                // Issuer
                badToken(
                        "issuer of another realm",
                        () -> es256(claims().issuer(issuer.issuer().replace("/test", "/other"))
                                .build())),
                badToken(
                        "issuer with a trailing slash",
                        () -> es256(claims().issuer(issuer.issuer() + "/").build())),
                badToken(
                        "issuer with the host in another case",
                        () -> es256(claims().issuer(issuer.issuer().replace("127.0.0.1", "LOCALHOST"))
                                .build())),
                badToken("issuer missing", () -> es256(claims().issuer(null).build())),
                // Audience
                badToken(
                        "audience missing",
                        () -> es256(claims().audience((String) null).build())),
                badToken(
                        "audience of another API",
                        () -> es256(claims().audience("billing-api").build())),
                badToken(
                        "audience an empty list",
                        () -> es256(claims().audience(List.of()).build())),
                badToken(
                        "audience differing in case",
                        () -> es256(claims().audience("Orders-API").build())),
                // Time
                badToken(
                        "expired by skew + 1 s",
                        () -> es256(claims().expirationTime(secondsFromNow(-31)).build())),
                badToken(
                        "expired an hour ago",
                        () -> es256(claims().expirationTime(secondsFromNow(-3600))
                                .issueTime(secondsFromNow(-7200))
                                .build())),
                badToken(
                        "exp missing", () -> es256(claims().expirationTime(null).build())),
                badToken(
                        "nbf ahead by skew + 5 s",
                        () -> es256(claims().notBeforeTime(secondsFromNow(35)).build())),
                badToken(
                        "iat ahead by skew + 5 s",
                        () -> es256(claims().issueTime(secondsFromNow(35)).build())),
                badToken("iat missing", () -> es256(claims().issueTime(null).build())),
                // Required claims
                badToken("sub missing", () -> es256(claims().subject(null).build())),
                badToken("sub empty", () -> es256(claims().subject("").build())),
                badToken(
                        "client_id missing",
                        () -> es256(claims().claim("client_id", null).build())),
                badToken(
                        "client_id a number",
                        () -> es256(claims().claim("client_id", 42).build())),
                badToken("jti missing", () -> es256(claims().jwtID(null).build())),
                badToken(
                        "scope an array",
                        () -> es256(
                                claims().claim("scope", List.of("orders:read")).build())),
                badToken("acr a number", () -> es256(claims().claim("acr", 2).build())),
                badToken(
                        "cnf with an mTLS certificate thumbprint",
                        () -> es256(
                                claims().claim("cnf", Map.of("x5t#S256", "abc")).build())),
                // Keys and signatures
                badToken("unknown kid", () -> Tokens.sign(claims().build(), Tokens.ec("unknown-kid"))),
                badToken(
                        "kid missing",
                        () -> withHeader(
                                new JWSHeader.Builder(JWSAlgorithm.ES256)
                                        .type(Tokens.AT_JWT)
                                        .build(),
                                claims().build())),
                badToken("key of another realm under our kid", () -> Tokens.sign(claims().build(), otherRealmSameKid)),
                badToken("key of another realm under its own kid", () -> Tokens.sign(claims().build(), otherRealm)),
                badToken(
                        "attacker key embedded in the jwk header",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .jwk(otherRealmSameKid.toPublicJWK())
                                        .build(),
                                claims().build(),
                                otherRealmSameKid)),
                badToken("payload changed after signing", () -> tamper(good())),
                badToken("signature removed", () -> good().substring(0, good().lastIndexOf('.') + 1)),
                badToken(
                        "EdDSA signature of another Ed25519 key",
                        () -> Tokens.sign(
                                Tokens.header(JWSAlgorithm.EdDSA, "ed-1").build(),
                                claims().build(),
                                Tokens.ed25519("ed-1"))),
                badToken(
                        "critical header parameter",
                        () -> withHeader(
                                Tokens.header(JWSAlgorithm.ES256, "ec-1")
                                        .criticalParams(java.util.Set.of("exp"))
                                        .customParam("exp", 1)
                                        .build(),
                                claims().build())),
                // Form
                badToken("encrypted JWT (JWE)", BadTokenCorpusTest::encrypted),
                badToken("not a JWT", () -> "abc"),
                badToken("two parts only", () -> good().substring(0, good().lastIndexOf('.'))),
                badToken(
                        "longer than 16 KiB",
                        () -> es256(claims().claim("pad", "x".repeat(17 * 1024)).build())),
                badToken(
                        "claims not JSON",
                        () -> Tokens.b64("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"ec-1\"}") + "."
                                + Tokens.b64("[1]") + ".c2ln"),
                // Request form (RFC 6750 §2.1, RFC 9700)
                bad(
                        "token in the query string",
                        () -> new TestRequest("GET", URI.create(TestRequest.ORDERS + "?access_token=" + good())),
                        INVALID_REQUEST),
                bad(
                        "two Authorization headers",
                        () -> TestRequest.bearer(good()).header("Authorization", "Bearer " + good()),
                        INVALID_REQUEST),
                bad(
                        "two tokens after Bearer",
                        () -> TestRequest.get().header("Authorization", "Bearer " + good() + " " + good()),
                        INVALID_REQUEST),
                bad(
                        "Bearer without a token",
                        () -> TestRequest.get().header("Authorization", "Bearer"),
                        INVALID_REQUEST),
                // DPoP (RFC 9449)
                badToken("DPoP-bound token sent as Bearer", () -> bound(holder)),
                bad(
                        "unbound token sent with the DPoP scheme",
                        () -> {
                            String token = good();
                            return dpop(
                                    token,
                                    DpopProofs.proof(
                                            holder,
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build()));
                        },
                        INVALID_TOKEN),
                bad(
                        "DPoP scheme without a proof",
                        () -> TestRequest.get().header("Authorization", "DPoP " + bound(holder)),
                        INVALID_DPOP_PROOF),
                bad(
                        "two DPoP proofs",
                        () -> {
                            TestRequest request = dpopWith(c -> c);
                            return request.header(
                                    "DPoP", request.headers("DPoP").get(0));
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "replayed proof",
                        () -> {
                            TestRequest request = dpopWith(c -> c);
                            try {
                                server.authenticate(request);
                            } catch (TokenRejectedException e) {
                                throw new IllegalStateException(
                                        "the first use of the proof must pass: " + e.getMessage(), e);
                            }
                            return request;
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "proof for another htu",
                        () -> dpopWith(c -> c.claim("htu", "https://api.example.test/api/other")),
                        INVALID_DPOP_PROOF),
                bad(
                        "proof for another host",
                        () -> dpopWith(c -> c.claim("htu", "https://evil.example.test/api/orders")),
                        INVALID_DPOP_PROOF),
                bad("proof for another htm", () -> dpopWith(c -> c.claim("htm", "POST")), INVALID_DPOP_PROOF),
                bad(
                        "proof with the ath of another token",
                        () -> dpopWith(c -> c.claim("ath", DpopProofs.ath(good()))),
                        INVALID_DPOP_PROOF),
                bad("proof without ath", () -> dpopWith(c -> c.claim("ath", null)), INVALID_DPOP_PROOF),
                bad("proof without jti", () -> dpopWith(c -> c.jwtID(null)), INVALID_DPOP_PROOF),
                bad(
                        "proof issued 2 minutes ago",
                        () -> dpopWith(c -> c.issueTime(secondsFromNow(-120))),
                        INVALID_DPOP_PROOF),
                bad(
                        "proof issued in the future",
                        () -> dpopWith(c -> c.issueTime(secondsFromNow(120))),
                        INVALID_DPOP_PROOF),
                bad(
                        "proof by a key other than cnf.jkt",
                        () -> {
                            String token = bound(holder);
                            return dpop(
                                    token,
                                    DpopProofs.proof(
                                            otherHolder,
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build()));
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "proof with typ JWT",
                        () -> {
                            String token = bound(holder);
                            return dpop(
                                    token,
                                    DpopProofs.proof(
                                            new JWSHeader.Builder(JWSAlgorithm.ES256)
                                                    .type(JOSEObjectType.JWT)
                                                    .jwk(holder.toPublicJWK())
                                                    .build(),
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build(),
                                            holder));
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "proof with the private key in its jwk header",
                        () -> {
                            String token = bound(holder);
                            return dpop(
                                    token,
                                    DpopProofs.rawProof(
                                            "{\"alg\":\"ES256\",\"typ\":\"dpop+jwt\",\"jwk\":" + holder.toJSONString()
                                                    + "}",
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build(),
                                            holder));
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "proof signed by a key other than its jwk header",
                        () -> {
                            String token = bound(holder);
                            return dpop(
                                    token,
                                    DpopProofs.proof(
                                            new JWSHeader.Builder(JWSAlgorithm.ES256)
                                                    .type(DpopProofs.DPOP_JWT)
                                                    .jwk(holder.toPublicJWK())
                                                    .build(),
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build(),
                                            otherHolder));
                        },
                        INVALID_DPOP_PROOF),
                bad(
                        "proof alg none",
                        () -> {
                            String token = bound(holder);
                            return dpop(
                                    token,
                                    Tokens.unsecured(
                                            "{\"alg\":\"none\",\"typ\":\"dpop+jwt\"}",
                                            DpopProofs.claims("GET", TestRequest.ORDERS.toString(), token)
                                                    .build()));
                        },
                        INVALID_DPOP_PROOF));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badRequestIsRefusedWithItsError(String name, Supplier<HttpRequestView> request, BearerError expected) {
        TokenRejectedException refused =
                catchThrowableOfType(TokenRejectedException.class, () -> server.authenticate(request.get()));

        assertThat(refused).as(name).isNotNull();
        assertThat(refused.rejection().error())
                .as(name + ": " + refused.getMessage())
                .isEqualTo(expected);
        assertThat(refused.rejection().status()).isEqualTo(expected == INVALID_REQUEST ? 400 : 401);
        assertThat(server.challenges(refused.rejection()))
                .anySatisfy(c -> assertThat(c).contains("error=\"" + expected.code() + "\""));
    }

    @Test
    void corpusWhenCountedThenAtLeastFortyBadTokens() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(40);
    }

    // Controls: each refused case differs from one of these in one respect.

    @Test
    void validateWhenGoodEs256TokenThenAccepted() throws Exception {
        AccessToken token = server.authenticate(TestRequest.bearer(good()));

        assertThat(token.subject()).isEqualTo("user-1");
        assertThat(token.clientId()).isEqualTo("demo-spa");
        assertThat(token.scopes()).contains("orders:read", "orders:write");
    }

    @Test
    void validateWhenPs256AndEdDsaTokensThenAccepted() throws Exception {
        String psToken = Tokens.sign(Tokens.header(JWSAlgorithm.PS256, "ps-1").build(), claims().build(), ps);
        String edToken = Tokens.sign(Tokens.header(JWSAlgorithm.EdDSA, "ed-1").build(), claims().build(), ed);

        assertThat(server.authenticate(TestRequest.bearer(psToken)).subject()).isEqualTo("user-1");
        assertThat(server.authenticate(TestRequest.bearer(edToken)).subject()).isEqualTo("user-1");
    }

    @Test
    void validateWhenExpiredWithinSkewThenAccepted() throws Exception {
        String token = es256(claims().expirationTime(secondsFromNow(-29)).build());

        assertThat(server.authenticate(TestRequest.bearer(token)).subject()).isEqualTo("user-1");
    }

    @Test
    void validateWhenRs256OptedInThenAccepted() throws Exception {
        try (AccessTokenValidator validator = AccessTokenValidator.builder()
                .issuer(issuer.issuer())
                .audience(Tokens.AUDIENCE)
                .algorithms(JWSAlgorithm.ES256, JWSAlgorithm.RS256)
                .build()) {
            String token = Tokens.sign(Tokens.header(JWSAlgorithm.RS256, "rs-1").build(), claims().build(), rs);

            assertThat(validator.validate(token).subject()).isEqualTo("user-1");
        }
    }

    @Test
    void authenticateWhenDpopProofGoodThenAcceptedWithItsBinding() throws Exception {
        TestRequest request = dpopWith(c -> c);

        assertThat(server.authenticate(request).jkt()).isEqualTo(DpopProofs.jkt(holder));
    }

    @Test
    void authenticateWhenHtuDiffersOnlyInCaseDefaultPortAndQueryThenAccepted() throws Exception {
        String token = bound(holder);
        String proof = DpopProofs.proof(
                holder,
                DpopProofs.claims("GET", "HTTPS://API.example.test:443/api/orders", token)
                        .build());
        TestRequest request = new TestRequest("GET", URI.create("https://api.example.test/api/orders?page=2"))
                .header("Authorization", "DPoP " + token)
                .header("DPoP", proof);

        assertThat(server.authenticate(request).isDpopBound()).isTrue();
    }

    @Test
    void authenticateWhenNoAuthorizationThen401WithoutErrorCode() {
        TokenRejectedException refused =
                catchThrowableOfType(TokenRejectedException.class, () -> server.authenticate(TestRequest.get()));

        assertThat(refused.rejection().status()).isEqualTo(401);
        assertThat(server.challenges(refused.rejection()))
                .first()
                .asString()
                .doesNotContain("error=")
                .contains("resource_metadata=\"https://api.example.test/.well-known/oauth-protected-resource\"");
    }

    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload =
                Tokens.b64(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("user-1", "admin-1"));
        return parts[0] + "." + payload + "." + parts[2];
    }

    private static ECKey p384() {
        try {
            return new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384)
                    .keyID("ec-1")
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] publicKeyBytes(RSAKey key) {
        try {
            return key.toRSAPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encrypted() {
        try {
            EncryptedJWT jwt = new EncryptedJWT(
                    new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                            .type(Tokens.AT_JWT)
                            .keyID("ps-1")
                            .build(),
                    claims().build());
            jwt.encrypt(new RSAEncrypter(ps.toPublicJWK()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
