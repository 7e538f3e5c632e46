package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One decision per token response, on the real server: realms that enable ABAC
 * ({@code apiguard-scope-policy}) alone, step-up ({@code apiguard-admin-step-up}) alone, both in
 * either order, or neither. In each, a client-credentials response (with an ID token, so its
 * {@code at_hash} is checked too) carries in {@code scope} exactly the scopes of its access token,
 * and the tokens verify against the realm's keys. ABAC drops {@code orders:write} from service
 * accounts (a policy of the realm's document), step-up drops {@code orders:admin} (an administrative
 * scope) from service accounts. The demo realm (both executors) is covered by AbacIT and StepUpIT.
 */
@ExtendWith(SharedServerExtension.class)
class ScopeDecisionsIT {

    private static final String SECRET = Oidc.randomSecret();
    private static final String REQUESTED = "openid orders:read orders:write orders:admin";
    private static final String ABAC = "{\"executor\": \"apiguard-scope-policy\", \"configuration\": {}}";
    private static final String STEP_UP = "{\"executor\": \"apiguard-admin-step-up\", \"configuration\": {}}";
    private static final String DOCUMENT = """
            {
              "apiVersion": "apiguard/v1",
              "protectedScopes": ["orders:write"],
              "policies": [
                {
                  "name": "orders-write-people-only",
                  "description": "Service accounts do not change orders.",
                  "scopes": ["orders:write"],
                  "effect": "permit",
                  "condition": "!user.serviceAccount",
                  "onDeny": "drop"
                }
              ]
            }
            """;

    private static final Set<String> CREATED = new java.util.concurrent.ConcurrentSkipListSet<>();
    private static ApiGuardServer lastServer;

    @AfterAll
    static void deleteTheRealms() {
        if (lastServer == null) {
            return;
        }
        Oidc oidc = new Oidc(lastServer);
        for (String realm : CREATED) {
            oidc.asAdmin()
                    .delete(lastServer.baseUrl() + "/admin/realms/" + realm)
                    .then()
                    .statusCode(204);
        }
    }

    @ParameterizedTest(name = "{0}: scope = {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "neither           | ''             | openid orders:read orders:write orders:admin",
                "abac-alone        | abac           | openid orders:read orders:admin",
                "step-up-alone     | step-up        | openid orders:read orders:write",
                "abac-then-step-up | abac,step-up   | openid orders:read",
                "step-up-then-abac | step-up,abac   | openid orders:read",
            })
    void clientCredentialsWhenARealmEnablesTheseDecidersThenTheResponseScopeEqualsTheTokenScope(
            String name, String executors, String expected, ApiGuardServer server) throws Exception {
        lastServer = server;
        Oidc oidc = new Oidc(server);
        String realm = "apiguard-decisions-" + name;
        createRealm(oidc, server, realm, executors.isBlank() ? List.of() : List.of(executors.split(",")));

        Response response = oidc.request()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "svc")
                .formParam("client_secret", SECRET)
                .formParam("scope", REQUESTED)
                .post(oidc.tokenEndpoint(realm))
                .then()
                .statusCode(200)
                .extract()
                .response();

        String accessToken = response.path("access_token");
        JWTClaimsSet access = oidc.verify(realm, accessToken);
        JWTClaimsSet id = oidc.verify(realm, response.path("id_token"));
        assertThat(set(response.path("scope")))
                .as("response scope")
                .isEqualTo(set(access.getStringClaim("scope")))
                .isEqualTo(set(expected));
        assertThat(id.getStringClaim("at_hash"))
                .as("ID token's at_hash of the access token as sent")
                .isEqualTo(atHash(accessToken));
    }

    private static void createRealm(Oidc oidc, ApiGuardServer server, String realm, List<String> executors) {
        String profile =
                executors.stream().map(e -> e.equals("abac") ? ABAC : STEP_UP).collect(Collectors.joining(", "));
        String policies = executors.isEmpty() ? "" : """
                  "clientProfiles": { "profiles": [ { "name": "decisions", "executors": [ %s ] } ] },
                  "clientPolicies": { "policies": [ { "name": "decisions", "enabled": true,
                      "conditions": [ { "condition": "any-client", "configuration": {} } ], "profiles": [ "decisions" ] } ] },
                """.formatted(profile);
        String representation = """
                {
                  "realm": "%s",
                  "enabled": true,
                  %s
                  "clientScopes": [
                    { "name": "orders:read", "protocol": "openid-connect", "attributes": { "include.in.token.scope": "true" } },
                    { "name": "orders:write", "protocol": "openid-connect", "attributes": { "include.in.token.scope": "true" } },
                    { "name": "orders:admin", "protocol": "openid-connect",
                      "attributes": { "include.in.token.scope": "true", "apiguard.admin": "true", "apiguard.admin.acr": "mfa" } }
                  ],
                  "clients": [
                    { "clientId": "svc", "enabled": true, "publicClient": false, "secret": "%s",
                      "serviceAccountsEnabled": true, "standardFlowEnabled": false, "directAccessGrantsEnabled": false,
                      "defaultClientScopes": [], "optionalClientScopes": [ "orders:read", "orders:write", "orders:admin" ] }
                  ]
                }
                """.formatted(realm, policies, SECRET);
        oidc.asAdmin().delete(server.baseUrl() + "/admin/realms/" + realm);
        oidc.asAdmin()
                .contentType("application/json")
                .body(representation)
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);
        CREATED.add(realm);
        if (executors.contains("abac")) {
            oidc.asAdmin()
                    .contentType("application/json")
                    .body(DOCUMENT)
                    .put(server.baseUrl() + "/admin/realms/" + realm + "/apiguard/v1/policies")
                    .then()
                    .statusCode(200);
        }
    }

    private static Set<String> set(String scope) {
        return new TreeSet<>(Arrays.asList(scope.trim().split("\\s+")));
    }

    /** OIDC Core 3.1.3.6 with SHA-256 (RS256, PS256 and ES256 all hash with SHA-256). */
    private static String atHash(String accessToken) throws Exception {
        String algorithm =
                SignedJWT.parse(accessToken).getHeader().getAlgorithm().getName();
        assertThat(algorithm).as("signature algorithm of a new realm").isIn("RS256", "PS256", "ES256");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64URL.encode(Arrays.copyOf(digest, digest.length / 2)).toString();
    }
}
