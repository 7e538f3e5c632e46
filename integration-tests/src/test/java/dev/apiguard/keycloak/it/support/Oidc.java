package dev.apiguard.keycloak.it.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * OAuth and OIDC client steps against one server (an {@link ApiGuardServer} or one node of a
 * {@link KeycloakCluster}), over HTTPS that trusts only the server's certificate: client credentials, the authorization-code flow with PKCE through
 * Keycloak's login form, admin tokens, and JWT verification against the live JWKS.
 */
public final class Oidc {

    public static final String DEMO_REALM = "apiguard-demo";
    public static final String SPA_CLIENT = "demo-spa";
    public static final String SPA_REDIRECT_URI = "http://127.0.0.1:8400/callback";
    public static final String SERVICE_CLIENT = "demo-service";

    private final ServerEndpoint server;

    public Oidc(ServerEndpoint server) {
        this.server = server;
    }

    /** A request to the server: HTTPS trusting its certificate, redirects not followed. */
    public RequestSpecification request() {
        return given().config(RestAssuredConfig.config()
                        .sslConfig(SSLConfig.sslConfig().trustStore(server.trustStore()))
                        .redirect(RedirectConfig.redirectConfig().followRedirects(false)))
                .urlEncodingEnabled(true);
    }

    public String tokenEndpoint(String realm) {
        return server.realmUrl(realm) + "/protocol/openid-connect/token";
    }

    /** An access token of the master realm's bootstrap admin (admin-cli, password grant). */
    public String masterAdminToken() {
        return request()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", server.credential("KC_BOOTSTRAP_ADMIN_USERNAME"))
                .formParam("password", server.credential("KC_BOOTSTRAP_ADMIN_PASSWORD"))
                .post(tokenEndpoint("master"))
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** {@code https://.../admin/realms/apiguard-demo} followed by {@code path}. */
    public String adminUrl(String path) {
        return server.baseUrl() + "/admin/realms/" + DEMO_REALM + path;
    }

    /** The admin URL of one demo-realm client, found by its clientId (it must exist exactly once). */
    public String clientUrl(String clientId) {
        List<String> ids = asAdmin()
                .queryParam("clientId", clientId)
                .get(adminUrl("/clients"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("id");
        assertThat(ids).as("client %s", clientId).hasSize(1);
        return adminUrl("/clients/" + ids.get(0));
    }

    /** The id of one of the demo realm's client scopes, found by its name. */
    public String clientScopeId(String name) {
        List<Map<String, Object>> scopes = asAdmin()
                .get(adminUrl("/client-scopes"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return scopes.stream()
                .filter(scope -> name.equals(scope.get("name")))
                .map(scope -> (String) scope.get("id"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("client scope " + name + " is missing"));
    }

    /**
     * Creates a confidential demo-realm client {@code clientId} for client credentials only (no
     * browser, password or implicit flow) through the admin API (201).
     */
    public void createServiceClient(String clientId) {
        asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        false,
                        "serviceAccountsEnabled",
                        true,
                        "standardFlowEnabled",
                        false,
                        "directAccessGrantsEnabled",
                        false,
                        "implicitFlowEnabled",
                        false))
                .post(adminUrl("/clients"))
                .then()
                .statusCode(201);
    }

    /** The client secret of demo-realm client {@code clientId}, read through the admin API. */
    public String clientSecret(String clientId) {
        return asAdmin()
                .get(clientUrl(clientId) + "/client-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("value");
    }

    /** Whether the demo realm has a client with this clientId. */
    public boolean clientExists(String clientId) {
        return !asAdmin()
                .queryParam("clientId", clientId)
                .get(adminUrl("/clients"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("id")
                .isEmpty();
    }

    /**
     * Keycloak's introspection of {@code token} by orders-api, the resource server the orders
     * scopes put in {@code aud}. Keycloak 26.7 answers {@code active: true} only to a client in the
     * token's audience, so a test that expects {@code false} must introspect as such a client (or
     * its check cannot fail).
     */
    public Response introspectAsOrdersApi(String token) {
        String secret = asAdmin()
                .get(clientUrl("orders-api") + "/client-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("value");
        return request()
                .formParam("client_id", "orders-api")
                .formParam("client_secret", secret)
                .formParam("token", token)
                .post(server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/token/introspect");
    }

    /** A request authorised with the master admin's token. */
    public RequestSpecification asAdmin() {
        return request().auth().oauth2(masterAdminToken());
    }

    public Response clientCredentials(String clientId, String secret, String scope) {
        RequestSpecification request = request()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret);
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post(tokenEndpoint(DEMO_REALM));
    }

    /** The demo service's token response for {@code scope}. */
    public Response demoServiceToken(String scope) {
        return clientCredentials(SERVICE_CLIENT, server.credential("APIGUARD_DEMO_SERVICE_SECRET"), scope);
    }

    /** The authorization endpoint of the demo realm. */
    public String authorizationEndpoint() {
        return server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/auth";
    }

    /** A demo-spa authorization request with exactly these parameters (no defaults), redirects not followed. */
    public Response authorize(Map<String, String> parameters) {
        return authorize(new CookieFilter(), parameters);
    }

    Response authorize(CookieFilter cookies, Map<String, String> parameters) {
        return request().filter(cookies).queryParams(parameters).get(authorizationEndpoint());
    }

    /** The usual parameters of a demo-spa code request with PKCE S256 for {@code challenge}. */
    public static Map<String, String> codeRequest(String scope, String challenge) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        parameters.put("client_id", SPA_CLIENT);
        parameters.put("response_type", "code");
        parameters.put("redirect_uri", SPA_REDIRECT_URI);
        parameters.put("scope", scope);
        parameters.put("state", randomToken());
        parameters.put("nonce", randomToken());
        parameters.put("code_challenge", challenge);
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    /**
     * Starts an authorization-code request with PKCE (S256) for demo-spa and returns the login
     * page, with the browser's cookies kept for the next steps.
     */
    public LoginPage openLoginPage(String scope) {
        return openLoginPage(codeRequest(scope, null), Pkce.create());
    }

    /** Opens the login page for these parameters; the PKCE challenge is set from {@code pkce}. */
    public LoginPage openLoginPage(Map<String, String> parameters, Pkce pkce) {
        return openLoginPage(parameters, pkce, new CookieFilter());
    }

    /** The same, in the browser session of {@code cookies} (an existing SSO session is used). */
    public LoginPage openLoginPage(Map<String, String> parameters, Pkce pkce, CookieFilter cookies) {
        Map<String, String> withPkce = new java.util.LinkedHashMap<>(parameters);
        withPkce.put("code_challenge", pkce.challenge());
        Response page = authorize(cookies, withPkce);
        return new LoginPage(page, cookies, pkce, withPkce.get("state"));
    }

    /** Logs {@code username} in through demo-spa's login form and returns the authorization code. */
    public String loginForCode(String username, String password, String scope, Pkce pkce) {
        LoginPage login = openLoginPage(codeRequest(scope, null), pkce);
        Response afterLogin = login.submit(username, password);
        assertThat(afterLogin.statusCode())
                .as("login form answer for %s", username)
                .isEqualTo(302);
        Map<String, String> callback = queryOf(afterLogin.getHeader("Location"));
        assertThat(callback.get("state")).isEqualTo(login.state());
        assertThat(callback).containsKey("code");
        return callback.get("code");
    }

    /**
     * Logs a user in through demo-spa's login form, answering the second-factor steps Keycloak
     * shows: OTP enrolment (the secret is taken from the form and handed to {@code otp}) or the
     * OTP prompt. Returns the last page when no code comes, else the redirect with the code.
     */
    public Response loginWithSecondFactor(LoginPage login, String username, String password, SecondFactor otp) {
        Response response =
                login.response().statusCode() == 200 && login.html().selectFirst("form#kc-form-login") != null
                        ? login.submit(username, password)
                        : login.response();
        for (int step = 0; step < 6; step++) {
            String location = response.getHeader("Location");
            if (response.statusCode() == 302 && location != null && location.startsWith(server.baseUrl())) {
                // Keycloak's own next step (e.g. a required action): follow it as a browser would.
                response = request().filter(login.cookies).get(location);
                continue;
            }
            if (response.statusCode() != 200) {
                return response;
            }
            org.jsoup.nodes.Document page = Jsoup.parse(response.asString(), server.baseUrl());
            Element enrol = page.selectFirst("form#kc-totp-settings-form");
            Element prompt = page.selectFirst("form#kc-otp-login-form");
            if (enrol != null) {
                String secret = page.selectFirst("input#totpSecret").attr("value");
                otp.enrolled(secret);
                response = request()
                        .filter(login.cookies)
                        .formParam("totp", Totp.code(secret, 0))
                        .formParam("totpSecret", secret)
                        .formParam("userLabel", "it")
                        .post(enrol.absUrl("action"));
            } else if (prompt != null) {
                response = request()
                        .filter(login.cookies)
                        .formParam("otp", otp.nextCode())
                        .post(prompt.absUrl("action"));
            } else {
                return response;
            }
        }
        return response;
    }

    /** The OTP secret of one user in a test, and the codes it gives (each time step used once). */
    public static final class SecondFactor {

        private String secret;
        private int nextOffset;

        void enrolled(String enrolledSecret) {
            this.secret = enrolledSecret;
            this.nextOffset = 1; // the enrolment used the current step; Keycloak accepts one step ahead
        }

        public boolean isEnrolled() {
            return secret != null;
        }

        public String nextCode() {
            if (secret == null) {
                throw new IllegalStateException("the user has no second factor yet");
            }
            return Totp.code(secret, nextOffset++);
        }

        /** A code that is certainly wrong for this secret now. */
        public String wrongCode() {
            String right = Totp.code(secret, 0);
            String ahead = Totp.code(secret, 1);
            for (int candidate = 0; ; candidate++) {
                String code = String.format("%06d", candidate);
                if (!code.equals(right) && !code.equals(ahead) && !code.equals(Totp.code(secret, -1))) {
                    return code;
                }
            }
        }
    }

    /** Sets one attribute of a demo-realm user (by id) to a single value, keeping its other attributes. */
    public void setUserAttribute(String userId, String name, String value) {
        String url = adminUrl("/users/" + userId);
        Map<String, Object> representation = new HashMap<>(
                asAdmin().get(url).then().statusCode(200).extract().jsonPath().getMap("$"));
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = representation.get("attributes") == null
                ? new HashMap<>()
                : new HashMap<>((Map<String, Object>) representation.get("attributes"));
        attributes.put(name, List.of(value));
        representation.put("attributes", attributes);
        asAdmin()
                .contentType("application/json")
                .body(representation)
                .put(url)
                .then()
                .statusCode(204);
    }

    /** The id of the demo-realm user {@code username}. */
    public String userId(String username) {
        return asAdmin()
                .queryParam("username", username)
                .queryParam("exact", true)
                .get(adminUrl("/users"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
    }

    /** Creates an enabled user with a verified e-mail and these realm roles; returns its password. */
    public String createUser(String username, String... realmRoles) {
        String password = randomToken();
        asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        username + "@example.org",
                        "emailVerified",
                        true,
                        "firstName",
                        "Test",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post(adminUrl("/users"))
                .then()
                .statusCode(201);
        if (realmRoles.length > 0) {
            String id = userId(username);
            List<Map<String, Object>> roles = new java.util.ArrayList<>();
            for (String role : realmRoles) {
                roles.add(asAdmin()
                        .get(adminUrl("/roles/" + role))
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("$"));
            }
            asAdmin()
                    .contentType("application/json")
                    .body(roles)
                    .post(adminUrl("/users/" + id + "/role-mappings/realm"))
                    .then()
                    .statusCode(204);
        }
        return password;
    }

    /** Redeems a demo-spa code with this verifier. */
    public Response redeem(String code, String verifier) {
        RequestSpecification request = request()
                .formParam("grant_type", "authorization_code")
                .formParam("client_id", SPA_CLIENT)
                .formParam("redirect_uri", SPA_REDIRECT_URI)
                .formParam("code", code);
        if (verifier != null) {
            request.formParam("code_verifier", verifier);
        }
        return request.post(tokenEndpoint(DEMO_REALM));
    }

    /** Logs {@code username} in through the login form of demo-spa and redeems the code. */
    public Response loginAndRedeem(String username, String password, String scope) {
        Pkce pkce = Pkce.create();
        return redeem(loginForCode(username, password, scope, pkce), pkce.verifier());
    }

    /** Verifies a JWT's signature against the realm's live JWKS (RS256/ES256/PS256/EdDSA) and returns its claims. */
    public JWTClaimsSet verify(String realm, String jwt) {
        String jwks = request()
                .get(server.realmUrl(realm) + "/protocol/openid-connect/certs")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        try {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier((type, context) -> {});
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA),
                    new ImmutableJWKSet<>(JWKSet.parse(jwks))));
            return processor.process(jwt, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AssertionError(
                    "token does not verify against the live JWKS of " + realm + ": " + e.getMessage(), e);
        }
    }

    public static Map<String, String> queryOf(String location) {
        assertThat(location).as("redirect location").isNotNull();
        String query = URI.create(location).getRawQuery();
        Map<String, String> values = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                values.put(
                        URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** The browser cookies of a login page, to continue in the same SSO session. */
    public static CookieFilter cookiesOf(LoginPage login) {
        return login.cookies;
    }

    /** Opens the login page of any realm's authorization endpoint with exactly these parameters. */
    public LoginPage openLoginPageIn(String realm, Map<String, String> parameters) {
        CookieFilter cookies = new CookieFilter();
        Response page = request()
                .filter(cookies)
                .queryParams(parameters)
                .get(server.realmUrl(realm) + "/protocol/openid-connect/auth");
        return new LoginPage(page, cookies, null, parameters.get("state"));
    }

    public static String randomSecret() {
        return randomToken();
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
    public record Pkce(String verifier, String challenge) {

        public static Pkce create() {
            return of(randomToken());
        }

        public static Pkce of(String verifier) {
            try {
                byte[] digest =
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(
                        verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }

    /** The login page of an authorization request, with the cookies of its browser. */
    public final class LoginPage {

        private final Response response;
        final CookieFilter cookies;
        private final Pkce pkce;
        private final String state;

        LoginPage(Response response, CookieFilter cookies, Pkce pkce, String state) {
            this.response = response;
            this.cookies = cookies;
            this.pkce = pkce;
            this.state = state;
        }

        public Response response() {
            return response;
        }

        public Document html() {
            return Jsoup.parse(response.asString(), server.baseUrl());
        }

        public Pkce pkce() {
            return pkce;
        }

        public String state() {
            return state;
        }

        /** Posts the login form; the answer is a redirect to the client on success. */
        public Response submit(String username, String password) {
            assertThat(response.statusCode()).as("login page status").isEqualTo(200);
            Element form = html().selectFirst("form#kc-form-login");
            assertThat(form).as("login form on the page").isNotNull();
            return request()
                    .filter(cookies)
                    .formParam("username", username)
                    .formParam("password", password)
                    .formParam("credentialId", "")
                    .post(form.absUrl("action"));
        }
    }
}
