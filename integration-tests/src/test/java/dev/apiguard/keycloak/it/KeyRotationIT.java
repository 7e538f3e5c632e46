package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.KeysApi.await;
import static dev.apiguard.keycloak.it.support.KeysApi.kidOf;
import static dev.apiguard.keycloak.it.support.KeysApi.signatureVerifies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.KeysApi;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Key rotation on a real server whose schedule passes every second: whole cycles with periods of
 * seconds, rotate now, emergency revoke, policy validation, permissions, the JWKS cache header.
 * Each test works in a realm of its own with tokens of 10 s and sessions of 15 s.
 */
@ExtendWith(SharedServerExtension.class)
class KeyRotationIT {

    /** Rotation 20 s, next key published 6 s ahead, retired keys kept 12 s (tokens 10 s + skew 2 s). */
    private static final String SHORT_POLICY = """
            {"rotationPeriod": 20, "prePublication": "PT6S", "retirement": "PT12S", "secretKeyRetirement": "PT17S",
             "jwksMaxAge": 5, "clockSkew": 2}""";

    private final String secret = Oidc.randomSecret();

    private KeysApi api(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        return new KeysApi(oidc::request, server.baseUrl(), oidc::masterAdminToken);
    }

    /** A realm that adopted key rotation with the default policy ({@code {}}), its keys adopted by the schedule. */
    private String newRealm(KeysApi api) {
        String realm = newRealmWithoutPolicy(api);
        api.putPolicy(realm, "{}").then().statusCode(200);
        // The schedule adopts the realm's keys at its first pass: the active one is recorded as active.
        await(
                "the schedule adopts the keys of " + realm,
                Duration.ofSeconds(15),
                () -> api.keys(realm).getBoolean("families.find { it.algorithm == 'ES256' }.keys[0].recorded"));
        return realm;
    }

    /** A realm made without API Guard's configuration: rotation is off there (opt-in, see OptInIT). */
    private String newRealmWithoutPolicy(KeysApi api) {
        String realm = "rotation-" + UUID.randomUUID().toString().substring(0, 8);
        api.createShortLivedRealm(realm, secret);
        return realm;
    }

    @Test
    void scheduleWhenPeriodsAreSecondsThenNextKeyIsPublishedBeforeItSignsAndRetiredKeyVerifiesUntilDeleted(
            ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        api.putPolicy(realm, SHORT_POLICY).then().statusCode(200);
        String before = api.serviceToken(realm, secret);
        String firstKid = kidOf(before);
        assertThat(api.activeEs256Kid(realm)).isEqualTo(firstKid);

        // Publication: a second ES256 key appears in the JWKS, recorded as next, and does not sign yet.
        Instant published = await(
                "a next key in the JWKS",
                Duration.ofSeconds(30),
                () -> api.jwksKids(realm).size() == 2);
        String nextKid = api.jwksKids(realm).stream()
                .filter(kid -> !kid.equals(firstKid))
                .findFirst()
                .orElseThrow();
        assertThat(api.stateOf(realm, nextKid)).isEqualTo("next");
        // The published key's certificate is stored with it: reloading the realm (another node, a restart, a
        // cache eviction) publishes the same x5c, not one Keycloak would generate again on load.
        String certificate = x5c(api.jwks(realm), nextKid);
        api.asAdmin()
                .post(api.adminRealmUrl(realm) + "/clear-realm-cache")
                .then()
                .statusCode(204);
        assertThat(x5c(api.jwks(realm), nextKid))
                .as("x5c of the next key after the realm cache was cleared")
                .isEqualTo(certificate);
        assertThat(kidOf(api.serviceToken(realm, secret)))
                .as("kid of a token while the next key is only published")
                .isEqualTo(firstKid);

        // Activation: new tokens carry the next key's kid, not before it was published for the pre-publication period.
        Instant signing = await(
                "tokens signed by the next key",
                Duration.ofSeconds(30),
                () -> kidOf(api.serviceToken(realm, secret)).equals(nextKid));
        assertThat(Duration.between(published, signing))
                .as("time in the JWKS before signing")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(api.stateOf(realm, nextKid)).isEqualTo("active");
        assertThat(api.stateOf(realm, firstKid)).isEqualTo("retired");
        assertThat(signatureVerifies(before, api.jwks(realm)))
                .as("a token of the retired key verifies during retirement")
                .isTrue();

        // Deletion: after the retirement the old key leaves the JWKS and its tokens no longer verify.
        Instant deleted = await(
                "the retired key leaves the JWKS",
                Duration.ofSeconds(30),
                () -> !api.jwksKids(realm).contains(firstKid));
        assertThat(Duration.between(signing, deleted)).as("retirement").isGreaterThanOrEqualTo(Duration.ofSeconds(11));
        assertThat(signatureVerifies(before, api.jwks(realm)))
                .as("a token of the deleted key")
                .isFalse();
        JsonPath report = api.keys(realm);
        assertThat(report.getString("history.find { it.kid == '" + firstKid + "' }.state"))
                .isEqualTo("deleted");
        KeysApi.assertNoKeyMaterial(report.prettify());

        // Every transition of the ES256 keys is one admin event, in order, with no key material.
        List<Map<String, Object>> events = api.componentEvents(realm).stream()
                .filter(event ->
                        event.get("details") instanceof Map<?, ?> details && "ES256".equals(details.get("algorithm")))
                .toList();
        List<String> transitions = events.stream()
                .map(event -> ((Map<?, ?>) event.get("details")))
                .filter(details -> !"adopted".equals(details.get("reason")))
                .map(details -> details.get("kid") + ":" + details.get("state"))
                .toList();
        // Activation and retirement happen in one transaction (same millisecond): their order is not fixed.
        assertThat(transitions).hasSizeGreaterThanOrEqualTo(4);
        assertThat(transitions.subList(0, 4))
                .containsExactlyInAnyOrder(
                        nextKid + ":next", nextKid + ":active", firstKid + ":retired", firstKid + ":deleted");
        assertThat(transitions.get(0)).isEqualTo(nextKid + ":next");
        assertThat(transitions.get(3)).isEqualTo(firstKid + ":deleted");
        assertThat(events).allSatisfy(event -> {
            assertThat(((Map<?, ?>) event.get("details")).get("actor")).isEqualTo("apiguard-key-rotation");
            assertThat(String.valueOf(event.get("representation"))).doesNotContain("Private", "secret");
        });
        api.deleteRealm(realm);
    }

    private static String x5c(com.nimbusds.jose.jwk.JWKSet jwks, String kid) {
        com.nimbusds.jose.jwk.JWK key = jwks.getKeyByKeyId(kid);
        assertThat(key).as("key %s in the JWKS", kid).isNotNull();
        assertThat(key.getX509CertChain()).as("x5c of %s", kid).isNotEmpty();
        return key.getX509CertChain().get(0).toString();
    }

    @Test
    void rotateNowWhenAskedThenNewTokensCarryTheNewKidAndEarlierTokensStillVerify(ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        String before = api.serviceToken(realm, secret);

        JsonPath rotated =
                api.rotate(realm, "ES256").then().statusCode(200).extract().jsonPath();

        assertThat(rotated.getList("rotated")).hasSize(1);
        assertThat(rotated.getString("rotated[0].family")).isEqualTo("ecdsa-generated/ES256");
        assertThat(rotated.getString("rotated[0].previousKid")).isEqualTo(kidOf(before));
        String newKid = rotated.getString("rotated[0].activeKid");
        assertThat(newKid).isNotEqualTo(kidOf(before));
        assertThat(kidOf(api.serviceToken(realm, secret))).isEqualTo(newKid);
        assertThat(signatureVerifies(before, api.jwks(realm))).isTrue();
        assertThat(api.introspectsActive(realm, secret, before))
                .as("Keycloak still verifies the earlier token")
                .isTrue();
        assertThat(api.stateOf(realm, kidOf(before))).isEqualTo("retired");
        assertThat(api.stateOf(realm, newKid)).isEqualTo("active");
        // The HMAC family was not asked for: unchanged.
        assertThat(api.keys(realm).getList("families.find { it.algorithm == 'HS512' }.keys"))
                .hasSize(1);
        api.deleteRealm(realm);
    }

    @Test
    void revokeWhenKeyIsSigningThenItLeavesTheJwksAtOnceAndWhatItSignedFails(ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        String compromised = api.serviceToken(realm, secret);
        String kid = kidOf(compromised);

        JsonPath revoked =
                api.revoke(realm, kid).then().statusCode(200).extract().jsonPath();

        assertThat(revoked.getString("revokedKid")).isEqualTo(kid);
        assertThat(revoked.getString("previousState")).isEqualTo("active");
        assertThat(revoked.getList("expect", String.class)).anyMatch(line -> line.contains("refetch"));
        String newKid = revoked.getString("activeKid");
        assertThat(newKid).isNotBlank().isNotEqualTo(kid);
        assertThat(api.jwksKids(realm)).doesNotContain(kid).contains(newKid);
        assertThat(signatureVerifies(compromised, api.jwks(realm))).isFalse();
        assertThat(api.introspectsActive(realm, secret, compromised))
                .as("Keycloak's introspection of the revoked key's token")
                .isFalse();
        String after = api.serviceToken(realm, secret);
        assertThat(kidOf(after)).isEqualTo(newKid);
        assertThat(api.introspectsActive(realm, secret, after)).isTrue();
        assertThat(api.keys(realm).getString("history.find { it.kid == '" + kid + "' }.state"))
                .isEqualTo("revoked");
        assertThat(api.componentEvents(realm)).anySatisfy(event -> {
            assertThat(event.get("operationType")).isEqualTo("DELETE");
            assertThat(((Map<?, ?>) event.get("details")).get("state")).isEqualTo("revoked");
            assertThat(((Map<?, ?>) event.get("details")).get("kid")).isEqualTo(kid);
            assertThat(event.get("authDetails"))
                    .isInstanceOfSatisfying(
                            Map.class,
                            auth -> assertThat(auth.get("userId"))
                                    .as("the administrator who revoked")
                                    .isNotNull());
        });
        api.deleteRealm(realm);
    }

    @Test
    void revokeWhenKidIsUnknownThen404AndNothingChanges(ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        List<String> kids = api.jwksKids(realm);

        Response response = api.revoke(realm, "no-such-kid");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.jsonPath().getString("error")).isEqualTo("key_not_found");
        assertThat(api.jwksKids(realm)).isEqualTo(kids);
        api.deleteRealm(realm);
    }

    @Test
    void putWhenRetirementIsShorterThanTheTokensThenRefusedNamingBothValuesAndPreviousPolicyStays(
            ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        api.putPolicy(realm, SHORT_POLICY).then().statusCode(200);

        Response refused = api.putPolicy(realm, """
                {"rotationPeriod": 20, "prePublication": 6, "retirement": 5, "secretKeyRetirement": 17, "jwksMaxAge": 5, "clockSkew": 2}""");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("invalid_policy");
        assertThat(refused.jsonPath().getList("problems", String.class))
                .containsExactly(
                        "retirement PT5S is shorter than the longest lifetime it must outlive: realm accessTokenLifespan PT10S plus clockSkew PT2S = PT12S");
        assertThat(api.keys(realm).getString("policy.retirement")).isEqualTo("PT12S");
        assertThat(api.keys(realm).getString("policySource")).isEqualTo("realm");
        api.deleteRealm(realm);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"rotationPeriod\": | the policy: not valid JSON at line 1, column 19: Unexpected end-of-input within/between Object entries",
                "{\"rotation\": \"P90D\"} | unknown field 'rotation' (known: clockSkew, enabled, jwksMaxAge, prePublication, retirement, rotationPeriod, secretKeyRetirement)",
                "{\"retirement\": \"two weeks\"} | retirement 'two weeks' is not a duration: give an ISO-8601 duration such as P90D or PT30S, or seconds",
                "{\"prePublication\": \"PT10M\"} | prePublication PT10M is shorter than jwksMaxAge PT1H: a client that cached the JWKS would not know the next key when it starts signing",
                "{\"secretKeyRetirement\": 3} | secretKeyRetirement PT3S is shorter than the longest lifetime it must outlive: realm ssoSessionMaxLifespan PT15S plus clockSkew PT1M = PT1M15S",
            })
    void putWhenPolicyIsInvalidThen400NamingTheProblemAndNothingIsStored(
            String body, String problem, ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealmWithoutPolicy(api);

        Response refused = api.putPolicy(realm, body);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getList("problems", String.class)).containsExactly(problem);
        assertThat(api.keys(realm).getString("policySource")).isEqualTo("none");
        assertThat(api.keys(realm).getBoolean("policy.enabled")).isFalse();
        api.deleteRealm(realm);
    }

    @Test
    void jwksWhenRotationIsOnThenAdvertisesThePolicysMaxAgeAndKeycloaksOtherwise(ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        assertThat(api.jwksResponse(realm).header("Cache-Control")).isEqualTo("max-age=3600");

        api.putPolicy(realm, SHORT_POLICY).then().statusCode(200);
        assertThat(api.jwksResponse(realm).header("Cache-Control")).isEqualTo("max-age=5");

        api.putPolicy(realm, "{\"enabled\": false}").then().statusCode(200);
        assertThat(api.jwksResponse(realm).header("Cache-Control"))
                .as("Keycloak's own header (no-cache in 26.7)")
                .isEqualTo("no-cache");
        api.deleteRealm(realm);
    }

    @Test
    void reportWhenDemoRealmThenListsEveryRotatedFamilyWithOneSigningKeyAndNoKeyMaterial(ApiGuardServer server) {
        KeysApi api = api(server);
        Response response = api.asAdmin().get(api.keysUrl(Oidc.DEMO_REALM));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonPath report = response.jsonPath();
        assertThat(report.getString("policySource")).isEqualTo("realm");
        assertThat(report.getList("families.family"))
                .contains("ecdsa-generated/ES256", "rsa-generated/RS256", "hmac-generated/HS512", "aes-generated/AES");
        assertThat(report.getList("families.collect { it.keys.count { k -> k.inUse } }", Integer.class))
                .as("keys in use per family")
                .hasSize(4)
                .containsOnly(1);
        assertThat(report.getString("nextTransition.action")).isEqualTo("publish-next");
        assertThat(report.getList("findings")).isEmpty();
        KeysApi.assertNoKeyMaterial(response.asString());
    }

    @Test
    void endpointWhenNoTokenThen401(ApiGuardServer server) {
        KeysApi api = api(server);

        assertThat(api.anonymous().get(api.keysUrl(Oidc.DEMO_REALM)).statusCode())
                .isEqualTo(401);
        assertThat(api.anonymous()
                        .post(api.keysUrl(Oidc.DEMO_REALM) + "/rotate")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void endpointWhenUserHasNoAdminRoleThen403(ApiGuardServer server) {
        Oidc oidc = new Oidc(server);
        KeysApi api = api(server);
        String aliceToken = oidc.loginAndRedeem("alice", server.credential("APIGUARD_DEMO_PASSWORD"), "openid")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");

        assertThat(api.anonymous()
                        .auth()
                        .oauth2(aliceToken)
                        .get(api.keysUrl(Oidc.DEMO_REALM))
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.anonymous()
                        .auth()
                        .oauth2(aliceToken)
                        .post(api.keysUrl(Oidc.DEMO_REALM) + "/rotate")
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void endpointWhenAdministratorMayOnlyViewThenReadsButCannotChange(ApiGuardServer server) {
        KeysApi api = api(server);
        String realm = newRealm(api);
        String password = Oidc.randomSecret();
        api.asAdmin()
                .contentType("application/json")
                .body(Map.of(
                        "username",
                        "viewer",
                        "enabled",
                        true,
                        "email",
                        "viewer@example.org",
                        "emailVerified",
                        true,
                        "firstName",
                        "View",
                        "lastName",
                        "Only",
                        "credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post(server.baseUrl() + "/admin/realms/" + realm + "/users")
                .then()
                .statusCode(201);
        String adminBase = server.baseUrl() + "/admin/realms/" + realm;
        String userId = api.asAdmin()
                .queryParam("username", "viewer")
                .queryParam("exact", true)
                .get(adminBase + "/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        String realmManagement = api.asAdmin()
                .queryParam("clientId", "realm-management")
                .get(adminBase + "/clients")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("[0].id");
        Map<String, Object> viewRealm = api.asAdmin()
                .get(adminBase + "/clients/" + realmManagement + "/roles/view-realm")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        api.asAdmin()
                .contentType("application/json")
                .body(List.of(viewRealm))
                .post(adminBase + "/users/" + userId + "/role-mappings/clients/" + realmManagement)
                .then()
                .statusCode(204);
        String viewerToken = api.anonymous()
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", "viewer")
                .formParam("password", password)
                .post(server.realmUrl(realm) + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        String kid = api.activeEs256Kid(realm);

        assertThat(api.anonymous()
                        .auth()
                        .oauth2(viewerToken)
                        .get(api.keysUrl(realm))
                        .statusCode())
                .isEqualTo(200);
        assertThat(api.anonymous()
                        .auth()
                        .oauth2(viewerToken)
                        .contentType("application/json")
                        .body(SHORT_POLICY)
                        .put(api.keysUrl(realm))
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.anonymous()
                        .auth()
                        .oauth2(viewerToken)
                        .post(api.keysUrl(realm) + "/rotate")
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.anonymous()
                        .auth()
                        .oauth2(viewerToken)
                        .post(api.keysUrl(realm) + "/" + kid + "/revoke")
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.activeEs256Kid(realm)).isEqualTo(kid);
        assertThat(api.keys(realm).getString("policy.rotationPeriod"))
                .as("the adopted policy, not the viewer's")
                .isEqualTo("P90D");
        api.deleteRealm(realm);
    }
}
