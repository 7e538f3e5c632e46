package dev.apiguard.keycloak.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Drives API Guard's key-rotation admin API ({@code /admin/realms/{realm}/apiguard/v1/keys}) and
 * the realm endpoints around it on one Keycloak node: realms with short lifetimes made for
 * rotation tests, tokens, the live JWKS, signature checks with nimbus-jose-jwt, admin events.
 * Works against any node: give it the node's base URL and how to make requests to it.
 */
public final class KeysApi {

    /** Short lifetimes, so that a policy of seconds passes the retirement checks: tokens 10 s, sessions 15 s. */
    public static final int ACCESS_TOKEN_SECONDS = 10;

    public static final int SESSION_SECONDS = 15;
    public static final String SERVICE_CLIENT = "rotation-service";

    private final Supplier<RequestSpecification> request;
    private final String baseUrl;
    private final Supplier<String> adminToken;

    public KeysApi(Supplier<RequestSpecification> request, String baseUrl, Supplier<String> adminToken) {
        this.request = request;
        this.baseUrl = baseUrl;
        this.adminToken = adminToken;
    }

    public RequestSpecification asAdmin() {
        return request.get().auth().oauth2(adminToken.get());
    }

    public RequestSpecification anonymous() {
        return request.get();
    }

    /** {@code https://.../admin/realms/{realm}}. */
    public String adminRealmUrl(String realm) {
        return baseUrl + "/admin/realms/" + realm;
    }

    public String keysUrl(String realm) {
        return baseUrl + "/admin/realms/" + realm + "/apiguard/v1/keys";
    }

    /**
     * Creates realm {@code name}: ES256 (ecdsa-generated, with a generated certificate) signs, an HMAC key for refresh tokens,
     * tokens live {@value #ACCESS_TOKEN_SECONDS} s and every session {@value #SESSION_SECONDS} s,
     * admin events with details stored, and a confidential client {@value #SERVICE_CLIENT} with
     * the client-credentials grant and this secret.
     */
    public void createShortLivedRealm(String name, String serviceSecret) {
        Map<String, Object> realm = Map.ofEntries(
                Map.entry("realm", name),
                Map.entry("enabled", true),
                Map.entry("defaultSignatureAlgorithm", "ES256"),
                Map.entry("accessTokenLifespan", ACCESS_TOKEN_SECONDS),
                Map.entry("ssoSessionIdleTimeout", SESSION_SECONDS),
                Map.entry("ssoSessionMaxLifespan", SESSION_SECONDS),
                Map.entry("offlineSessionIdleTimeout", SESSION_SECONDS),
                Map.entry("actionTokenGeneratedByAdminLifespan", SESSION_SECONDS),
                Map.entry("actionTokenGeneratedByUserLifespan", SESSION_SECONDS),
                Map.entry("adminEventsEnabled", true),
                Map.entry("adminEventsDetailsEnabled", true),
                Map.entry(
                        "components",
                        Map.of(
                                "org.keycloak.keys.KeyProvider",
                                List.of(
                                        Map.of(
                                                "name",
                                                "es256",
                                                "providerId",
                                                "ecdsa-generated",
                                                "config",
                                                Map.of(
                                                        "priority",
                                                        List.of("100"),
                                                        "ecdsaEllipticCurveKey",
                                                        List.of("P-256"),
                                                        // Keycloak makes this certificate per node unless API Guard
                                                        // stores it.
                                                        "ecGenerateCertificate",
                                                        List.of("true"))),
                                        Map.of(
                                                "name",
                                                "hs512",
                                                "providerId",
                                                "hmac-generated",
                                                "config",
                                                Map.of("priority", List.of("100"), "algorithm", List.of("HS512")))))),
                Map.entry(
                        "clients",
                        List.of(Map.of(
                                "clientId", SERVICE_CLIENT,
                                "enabled", true,
                                "publicClient", false,
                                "secret", serviceSecret,
                                "serviceAccountsEnabled", true,
                                "standardFlowEnabled", false,
                                "directAccessGrantsEnabled", false,
                                // Keycloak introspects a token for a client only when the client is in its audience.
                                "protocolMappers",
                                        List.of(Map.of(
                                                "name",
                                                "audience",
                                                "protocol",
                                                "openid-connect",
                                                "protocolMapper",
                                                "oidc-audience-mapper",
                                                "config",
                                                Map.of(
                                                        "included.client.audience",
                                                        SERVICE_CLIENT,
                                                        "access.token.claim",
                                                        "true")))))));
        asAdmin()
                .contentType("application/json")
                .body(realm)
                .post(baseUrl + "/admin/realms")
                .then()
                .statusCode(201);
    }

    public void deleteRealm(String name) {
        asAdmin().delete(baseUrl + "/admin/realms/" + name).then().statusCode(204);
    }

    public JsonPath keys(String realm) {
        return asAdmin().get(keysUrl(realm)).then().statusCode(200).extract().jsonPath();
    }

    public Response putPolicy(String realm, String json) {
        return asAdmin().contentType("application/json").body(json).put(keysUrl(realm));
    }

    public Response rotate(String realm, String family) {
        RequestSpecification spec = asAdmin();
        if (family != null) {
            spec.queryParam("family", family);
        }
        return spec.post(keysUrl(realm) + "/rotate");
    }

    public Response revoke(String realm, String kid) {
        return asAdmin().post(keysUrl(realm) + "/" + kid + "/revoke");
    }

    /** The state of {@code kid} in the admin API's report, or null when the key is not listed. */
    public String stateOf(String realm, String kid) {
        JsonPath keys = keys(realm);
        return keys.getString("families.keys.flatten().find { it.kid == '" + kid + "' }.state");
    }

    /** The kid of the active key of an ES256 family. */
    public String activeEs256Kid(String realm) {
        return keys(realm)
                .getString("families.find { it.algorithm == 'ES256' }.keys.find { it.state == 'active' }.kid");
    }

    /** A client-credentials access token of {@value #SERVICE_CLIENT}. */
    public String serviceToken(String realm, String secret) {
        return anonymous()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", SERVICE_CLIENT)
                .formParam("client_secret", secret)
                .post(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** Keycloak's own introspection of {@code token}, authenticated as {@value #SERVICE_CLIENT}. */
    public boolean introspectsActive(String realm, String secret, String token) {
        return anonymous()
                .formParam("client_id", SERVICE_CLIENT)
                .formParam("client_secret", secret)
                .formParam("token", token)
                .post(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token/introspect")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getBoolean("active");
    }

    public Response jwksResponse(String realm) {
        return anonymous().get(baseUrl + "/realms/" + realm + "/protocol/openid-connect/certs");
    }

    public JWKSet jwks(String realm) {
        try {
            return JWKSet.parse(
                    jwksResponse(realm).then().statusCode(200).extract().asString());
        } catch (ParseException e) {
            throw new AssertionError("the JWKS of " + realm + " is not a JWK set", e);
        }
    }

    public List<String> jwksKids(String realm) {
        return jwks(realm).getKeys().stream().map(JWK::getKeyID).toList();
    }

    /** Stored admin events of the realm about components, oldest first. */
    public List<Map<String, Object>> componentEvents(String realm) {
        List<Map<String, Object>> events = asAdmin()
                .queryParam("resourceTypes", "COMPONENT")
                .queryParam("max", 500)
                .get(baseUrl + "/admin/realms/" + realm + "/admin-events")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        List<Map<String, Object>> oldestFirst = new java.util.ArrayList<>(events);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    public static String kidOf(String jwt) {
        try {
            return SignedJWT.parse(jwt).getHeader().getKeyID();
        } catch (ParseException e) {
            throw new AssertionError("not a signed JWT", e);
        }
    }

    /**
     * Whether the JWT's signature verifies with the key of its {@code kid} in {@code jwks}, as a
     * resource server does (signature only: these tokens may have expired on purpose).
     */
    public static boolean signatureVerifies(String jwt, JWKSet jwks) {
        try {
            SignedJWT parsed = SignedJWT.parse(jwt);
            JWK key = jwks.getKeyByKeyId(parsed.getHeader().getKeyID());
            if (key == null) {
                return false;
            }
            JWSVerifier verifier = new DefaultJWSVerifierFactory()
                    .createJWSVerifier(parsed.getHeader(), key.toECKey().toPublicKey());
            return parsed.verify(verifier);
        } catch (ParseException | JOSEException e) {
            throw new AssertionError("cannot check the signature: " + e.getMessage(), e);
        }
    }

    /** Polls {@code condition} every 200 ms; fails naming {@code what} after {@code timeout}. */
    public static Instant await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
        return Instant.now();
    }

    /** Asserts the report lists no key material, whatever the states. */
    public static void assertNoKeyMaterial(String body) {
        // Keycloak's config names for key material: privateKey, ecdsaPrivateKey, eddsaPrivateKey, secret.
        assertThat(body).doesNotContain("rivateKey", "\"secret\":", "BEGIN");
    }
}
