package dev.apiguard.keycloak.it;

import static dev.apiguard.keycloak.it.support.Oidc.DEMO_REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.RawHttp;
import dev.apiguard.keycloak.it.support.RawHttp.Answer;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bounded fuzz pass (fixed seed, a few hundred requests) over every endpoint API Guard adds
 * and the OAuth endpoints of the demo realm: malformed, oversized and deeply nested JSON; huge
 * and repeated form fields; invalid UTF-8; odd content types; path tricks. Every answer must be
 * below 500 and show no internals; every error of an API Guard endpoint must be in the
 * documented shape ({@code error}, {@code error_description}, {@code problems}), every JSON error
 * of a Keycloak endpoint in OAuth's ({@code error}). Each test collects every violation and
 * reports them all at once.
 *
 * <p>The admin endpoints are fuzzed on a throwaway realm, so that a body that happens to be a
 * valid policy changes nothing the other tests rely on.
 */
@ExtendWith(SharedServerExtension.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FuzzIT {

    /** Fixed: a failing run is reproducible. */
    private static final long SEED = 14L;

    private static final int RANDOM_BODIES = 25;

    private static final String FUZZ_REALM = "it-fuzz";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] INVALID_UTF8 = {
        '{',
        '"',
        'a',
        '"',
        ':',
        '"',
        (byte) 0xC3,
        (byte) 0x28,
        (byte) 0xA0,
        (byte) 0xA1,
        (byte) 0xF0,
        (byte) 0x28,
        (byte) 0x8C,
        (byte) 0xBC,
        (byte) 0xFF,
        '"',
        '}'
    };
    private static final List<String> CONTENT_TYPES = List.of(
            "application/json; charset=UTF-16",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/xml",
            "*/*",
            "application/merge-patch+json",
            "garbage",
            "application/json; charset=nonsense",
            "");

    /** Answers on API Guard's paths decided before its endpoint code runs (docs/admin-api.md): by status... */
    private static final Set<Integer> KEYCLOAK_ADMIN_STATUSES = Set.of(401, 404, 405, 413);
    /** ...or, for a 400 or 415, by the refusal of a malformed path, query, header or body (Keycloak's or the JAR's filters). */
    private static final Set<String> PRE_ENDPOINT_REFUSALS = Set.of(
            "missingNormalization",
            "invalidCharacter",
            "Blocking invalid query parameter value",
            "Unparsable Content-Type header",
            "Malformed multipart body",
            "Undecodable percent-encoding in the request");

    private static ApiGuardServer server;
    private static RawHttp http;
    private static String adminToken;

    private final List<String> violations = new ArrayList<>();
    private int requests;

    @BeforeAll
    static void createThrowawayRealm(ApiGuardServer shared) {
        server = shared;
        http = new RawHttp(shared);
        adminToken = new Oidc(shared).masterAdminToken();
        Answer created = http.send(
                "POST",
                shared.baseUrl() + "/admin/realms",
                RawHttp.utf8("{\"realm\": \"" + FUZZ_REALM + "\", \"enabled\": true}"),
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + adminToken);
        assertThat(created.status())
                .as("create realm %s: %s", FUZZ_REALM, created.body())
                .isIn(201, 409);
    }

    @AfterAll
    static void deleteThrowawayRealm() {
        if (http != null) {
            http.send(
                    "DELETE",
                    server.baseUrl() + "/admin/realms/" + FUZZ_REALM,
                    null,
                    "Authorization",
                    "Bearer " + new Oidc(server).masterAdminToken());
        }
    }

    // ---- API Guard's admin endpoints ------------------------------------------------------------

    @Test
    void apiGuardEndpointsWhenFedHostileBodiesThenNo5xxAndEveryErrorInTheDocumentedShape() {
        Random random = new Random(SEED);
        Map<String, byte[]> bodies = hostileJsonBodies(random);
        String base = server.baseUrl() + "/admin/realms/" + FUZZ_REALM + "/apiguard/v1";
        List<String[]> withBody = List.of(
                new String[] {"PUT", base + "/keys"},
                new String[] {"PUT", base + "/policies"},
                new String[] {"POST", base + "/policies/validate"},
                new String[] {"POST", base + "/policies/explain"});

        for (String[] target : withBody) {
            for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
                admin(target[0], target[1], body.getKey(), body.getValue(), "application/json");
            }
            for (String type : CONTENT_TYPES) {
                admin(target[0], target[1], "{} as " + type, RawHttp.utf8("{}"), type);
            }
        }

        assertThat(violations).as("%d requests", requests).isEmpty();
    }

    @Test
    void apiGuardEndpointsWhenCalledWithOddMethodsParametersAndPathsThenNo5xxAndTheDocumentedShape() {
        String base = server.baseUrl() + "/admin/realms/" + FUZZ_REALM + "/apiguard";
        List<String> paths = List.of(
                "/v1/info",
                "/v1/token-policy",
                "/v1/keys",
                "/v1/policies",
                "/v1/keys/rotate",
                "/v1/keys/rotate?family=" + enc("ES256\u0000"),
                "/v1/keys/rotate?family=" + "A".repeat(5_000),
                "/v1/keys/rotate?family=" + enc("../../x"),
                "/v1/keys/no-such-kid/revoke",
                "/v1/keys/%2F/revoke",
                "/v1/keys/..%2F..%2Fusers/revoke",
                "/v1/keys/" + "k".repeat(3_000) + "/revoke",
                "/v1/keys/%C3%28/revoke",
                "/v1/nope",
                "/v2/info",
                "/v1/info/",
                "/v1/../v1/info",
                "/v1/%2e%2e/v1/info",
                "//v1/info",
                "/v1/info;x=y",
                "/v1/policies%3Fx",
                "/v1/keys/rotate/extra");
        for (String path : paths) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                admin(method, base + path, "no body", null, "");
            }
        }
        // Another realm's name, upper case, a realm that does not exist.
        for (String realm : List.of(FUZZ_REALM.toUpperCase(), "no-such-realm", "%2e%2e", "master%00")) {
            admin("GET", server.baseUrl() + "/admin/realms/" + realm + "/apiguard/v1/info", "no body", null, "");
        }
        // No token, a malformed token, a token of a user without admin roles.
        for (String authorization : List.of(
                "", "Bearer ", "Bearer garbage", "Basic " + b64("admin:admin"), "Bearer " + "x".repeat(9_000))) {
            Answer answer =
                    http.send("PUT", base + "/v1/keys", RawHttp.utf8("{}"), headers("application/json", authorization));
            check("PUT", base + "/v1/keys", "authorization '" + abbreviate(authorization) + "'", answer, true);
        }

        assertThat(violations).as("%d requests", requests).isEmpty();
    }

    // ---- The demo realm's OAuth endpoints -------------------------------------------------------

    @Test
    void demoRealmOAuthEndpointsWhenFedHostileFormsThenNo5xxAndNoInternals() {
        Random random = new Random(SEED + 1);
        String oidc = server.realmUrl(DEMO_REALM) + "/protocol/openid-connect";
        List<String> formEndpoints = List.of(
                oidc + "/token",
                oidc + "/ext/par/request",
                oidc + "/token/introspect",
                oidc + "/revoke",
                oidc + "/auth",
                oidc + "/logout",
                oidc + "/userinfo",
                oidc + "/auth/device");
        for (String endpoint : formEndpoints) {
            for (Map.Entry<String, byte[]> form : hostileForms(random).entrySet()) {
                send("POST", endpoint, form.getKey(), form.getValue(), "application/x-www-form-urlencoded", "");
            }
            for (String type : CONTENT_TYPES) {
                send(
                        "POST",
                        endpoint,
                        "grant_type=client_credentials as " + type,
                        RawHttp.utf8("grant_type=client_credentials"),
                        type,
                        "");
            }
            send("POST", endpoint, "invalid UTF-8", INVALID_UTF8, "application/x-www-form-urlencoded", "");
            send(
                    "POST",
                    endpoint,
                    "JSON",
                    RawHttp.utf8("{\"grant_type\": \"client_credentials\"}"),
                    "application/json",
                    "");
            for (String authorization : List.of(
                    "Basic !!!",
                    "Basic " + b64("demo-service"),
                    "Basic " + b64(":"),
                    "Bearer garbage",
                    "Bearer " + "x".repeat(9_000),
                    "DPoP garbage")) {
                send(
                        "POST",
                        endpoint,
                        "authorization '" + abbreviate(authorization) + "'",
                        RawHttp.utf8("grant_type=client_credentials&token=x"),
                        "application/x-www-form-urlencoded",
                        authorization);
            }
        }

        assertThat(violations).as("%d requests", requests).isEmpty();
    }

    @Test
    void demoRealmAuthorizationEndpointWhenFedHostileQueriesThenNo5xxAndNoInternals() {
        String auth = server.realmUrl(DEMO_REALM) + "/protocol/openid-connect/auth";
        Map<String, String> base = Oidc.codeRequest("openid", Oidc.Pkce.create().challenge());
        List<Map<String, String>> variants = new ArrayList<>();
        for (String name : List.of(
                "client_id",
                "redirect_uri",
                "response_type",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
                "nonce")) {
            for (String value : List.of(
                    "",
                    " ",
                    "\u0000",
                    "%",
                    "x".repeat(3_000),
                    "\uD800",
                    "<script>",
                    "../../",
                    "a\nb",
                    "http://127.0.0.1%40evil.example:53682/callback",
                    "javascript:alert(1)")) {
                Map<String, String> variant = new LinkedHashMap<>(base);
                variant.put(name, value);
                variants.add(variant);
            }
            Map<String, String> without = new LinkedHashMap<>(base);
            without.remove(name);
            variants.add(without);
        }
        for (Map.Entry<String, String> extra : Map.of(
                        "request",
                        "not.a.jwt",
                        "request_uri",
                        "urn:ietf:params:oauth:request_uri:nope",
                        "claims",
                        "{\"userinfo\":",
                        "max_age",
                        "99999999999999999999",
                        "prompt",
                        "none login consent x",
                        "response_mode",
                        "form_post.jwt",
                        "ui_locales",
                        "x".repeat(3_000),
                        "acr_values",
                        "gold",
                        "dpop_jkt",
                        "%%",
                        "login_hint",
                        "x".repeat(300))
                .entrySet()) {
            Map<String, String> variant = new LinkedHashMap<>(base);
            variant.put(extra.getKey(), extra.getValue());
            variants.add(variant);
        }
        for (Map<String, String> variant : variants) {
            send("GET", auth + "?" + query(variant), "query " + abbreviate(variant.toString()), null, "", "");
        }
        // Repeated parameters and raw, undecodable escapes.
        for (String raw : List.of(
                "client_id=demo-spa&client_id=demo-service&response_type=code",
                "redirect_uri=a&redirect_uri=b&client_id=demo-spa",
                "client_id=%C3%28&response_type=%FF",
                "client_id=demo-spa%00",
                "client_id=%",
                "=&=&&&",
                "state=" + "%41".repeat(1_200))) {
            send("GET", auth + "?" + raw, "raw query " + abbreviate(raw), null, "", "");
        }

        assertThat(violations).as("%d requests", requests).isEmpty();
    }

    @Test
    void demoRealmPathsWhenTrickedThenNo5xxAndNoInternals() {
        String realm = server.baseUrl() + "/realms/" + DEMO_REALM;
        List<String> paths = List.of(
                "/protocol/openid-connect/../openid-connect/certs",
                "/protocol/openid-connect/%2e%2e/openid-connect/certs",
                "//protocol/openid-connect/certs",
                "/protocol/openid-connect/token;jsessionid=1",
                "/protocol/openid-connect/token%00",
                "/protocol/openid-connect/token%2F..%2F..",
                "/protocol/openid-connect/t%C3%B6ken",
                "/protocol/openid-connect/%C3%28",
                "/protocol/openid-connect/" + "a".repeat(6_000),
                "/.well-known/openid-configuration/..",
                "/.well-known/%2e%2e/openid-configuration",
                "/protocol/openid-connect/certs?x=" + "%FF".repeat(100),
                "/clients-registrations/openid-connect/%2F",
                "/account/%2e%2e");
        for (String path : paths) {
            for (String method : List.of("GET", "POST")) {
                send(
                        method,
                        realm + path,
                        "path",
                        method.equals("POST") ? RawHttp.utf8("a=b") : null,
                        method.equals("POST") ? "application/x-www-form-urlencoded" : "",
                        "");
            }
        }
        for (String other : List.of(
                "/realms/%2e%2e/master/protocol/openid-connect/certs",
                "/realms/" + DEMO_REALM.toUpperCase() + "/.well-known/openid-configuration",
                "/realms//.well-known/openid-configuration",
                "/realms/%00/account")) {
            send("GET", server.baseUrl() + other, "path", null, "", "");
        }
        // Dynamic client registration with hostile JSON and no or a bad token.
        String registration = realm + "/clients-registrations/openid-connect";
        for (Map.Entry<String, byte[]> body :
                hostileJsonBodies(new Random(SEED + 2)).entrySet()) {
            send("POST", registration, body.getKey(), body.getValue(), "application/json", "Bearer garbage");
        }

        assertThat(violations).as("%d requests", requests).isEmpty();
    }

    // ---- inputs -----------------------------------------------------------------------------

    private static Map<String, byte[]> hostileJsonBodies(Random random) {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (String text : List.of(
                "",
                " ",
                "null",
                "[]",
                "{}",
                "{",
                "}",
                "\"x\"",
                "1",
                "-0",
                "1e999",
                "{\"a\":1,\"a\":2}",
                "{} {}",
                "\uFEFF{}",
                "{\"a\":\"\u0000\"}",
                "{'a': 1}",
                "{\"enabled\": \"yes\", \"rotationPeriod\": {\"a\": [1]}}",
                "{\"user\": [\"a\"], \"client\": {}, \"scope\": 1}",
                "{\"user\": \"nobody\", \"client\": \"nope\", \"scope\": \"x\"}",
                "{\"apiVersion\": \"apiguard/v1\", \"policies\": [{\"name\": \"p\", \"scopes\": [\"s\"], \"effect\": \"permit\", "
                        + "\"condition\": \"" + "(".repeat(2_000) + "true" + ")".repeat(2_000) + "\"}]}")) {
            bodies.put("'" + abbreviate(text) + "'", RawHttp.utf8(text));
        }
        bodies.put("50,000 nested arrays", RawHttp.utf8("[".repeat(50_000) + "]".repeat(50_000)));
        bodies.put("50,000 nested objects", RawHttp.utf8("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)));
        bodies.put("unclosed nesting", RawHttp.utf8("[".repeat(50_000)));
        bodies.put("5,000-digit number", RawHttp.utf8("{\"rotationPeriod\": " + "9".repeat(5_000) + "}"));
        bodies.put("200,000-character string", RawHttp.utf8("{\"a\": \"" + "x".repeat(200_000) + "\"}"));
        bodies.put("1,500,000 characters", RawHttp.utf8("{\"a\": \"" + "x ".repeat(750_000) + "\"}"));
        bodies.put("invalid UTF-8", INVALID_UTF8);
        for (int i = 0; i < RANDOM_BODIES; i++) {
            bodies.put("random JSON #" + i, RawHttp.utf8(randomJson(random, 0)));
        }
        return bodies;
    }

    private static Map<String, byte[]> hostileForms(Random random) {
        Map<String, byte[]> forms = new LinkedHashMap<>();
        forms.put("empty", new byte[0]);
        StringBuilder many = new StringBuilder("grant_type=client_credentials&client_id=demo-service");
        for (int i = 0; i < 10_000; i++) {
            many.append("&f").append(i).append("=x");
        }
        forms.put("10,000 fields", RawHttp.utf8(many.toString()));
        forms.put("1,500 repeated grant_type", RawHttp.utf8("grant_type=password&".repeat(1_500)));
        forms.put(
                "100,000-character state",
                RawHttp.utf8("client_id=demo-spa&response_type=code&state=" + "s".repeat(100_000)));
        forms.put("undecodable escapes", RawHttp.utf8("grant_type=%C3%28&client_id=%FF%FE&token=%"));
        forms.put("no equals signs", RawHttp.utf8("&&&&===&&"));
        forms.put(
                "garbage client assertion",
                RawHttp.utf8("grant_type=client_credentials&client_id=demo-service"
                        + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
                        + "eyJhbGciOiJub25lIn0.e30." + "&client_assertion=x"));
        for (String grant : List.of(
                "",
                "unknown",
                "authorization_code",
                "refresh_token",
                "password",
                "implicit",
                "urn:ietf:params:oauth:grant-type:token-exchange",
                "urn:ietf:params:oauth:grant-type:device_code",
                "urn:openid:params:grant-type:ciba",
                "urn:ietf:params:oauth:grant-type:jwt-bearer")) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", grant);
            form.put("client_id", random.nextBoolean() ? "demo-spa" : "demo-service");
            form.put("code", randomText(random, 50));
            form.put("refresh_token", randomText(random, 200));
            form.put("subject_token", "x".repeat(random.nextInt(30_000)));
            form.put("redirect_uri", "http://127.0.0.1%40evil.example:53682/callback");
            form.put("code_verifier", randomText(random, 200));
            form.put("token", randomText(random, 100));
            forms.put("grant '" + grant + "'", RawHttp.form(form));
        }
        return forms;
    }

    private static String randomJson(Random random, int depth) {
        int kind = depth > 6 ? random.nextInt(4) : random.nextInt(7);
        return switch (kind) {
            case 0 -> "\"" + randomText(random, 20).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 1 -> random.nextBoolean() ? String.valueOf(random.nextLong()) : "9".repeat(1 + random.nextInt(60));
            case 2 -> List.of("true", "false", "null", "1.5e308", "-0.0").get(random.nextInt(5));
            case 3 ->
                "\""
                        + List.of("P90D", "PT30S", "-PT5S", "P99999999999999D", "apiguard/v1", "permit", "refuse")
                                .get(random.nextInt(7))
                        + "\"";
            case 4, 5 -> {
                StringJoiner object = new StringJoiner(",", "{", random.nextInt(10) == 0 ? "" : "}");
                for (int i = random.nextInt(5); i > 0; i--) {
                    String name = List.of(
                                    "apiVersion",
                                    "policies",
                                    "protectedScopes",
                                    "name",
                                    "scopes",
                                    "effect",
                                    "condition",
                                    "rotationPeriod",
                                    "retirement",
                                    "enabled",
                                    "user",
                                    "client",
                                    "scope",
                                    "x")
                            .get(random.nextInt(14));
                    object.add("\"" + name + "\":" + randomJson(random, depth + 1));
                }
                yield object.toString();
            }
            default -> {
                StringJoiner array = new StringJoiner(",", "[", "]");
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(random, depth + 1));
                }
                yield array.toString();
            }
        };
    }

    private static String randomText(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        }
        return text.toString();
    }

    // ---- sending and checking ---------------------------------------------------------------

    private void admin(String method, String url, String label, byte[] body, String contentType) {
        Answer answer = http.send(method, url, body, headers(contentType, "Bearer " + adminToken));
        check(method, url, label, answer, true);
    }

    private void send(String method, String url, String label, byte[] body, String contentType, String authorization) {
        Answer answer;
        try {
            answer = http.send(method, url, body, headers(contentType, authorization));
        } catch (IllegalArgumentException e) {
            // java.net.http refuses some raw URIs before sending: nothing reached the server.
            return;
        }
        check(method, url, label, answer, false);
    }

    private void check(String method, String url, String label, Answer answer, boolean apiGuard) {
        requests++;
        String where = method + " " + abbreviate(url) + " [" + label + "] -> " + answer.status();
        if (answer.status() >= 500) {
            violations.add(where + ": server error " + abbreviate(answer.body()));
            return;
        }
        for (String internal : List.of("Exception", "at org.", "at java.", ".java:", "NullPointer")) {
            if (answer.body().contains(internal)) {
                violations.add(where + ": shows internals ('" + internal + "')");
            }
        }
        if (answer.status() < 400 || !answer.contentType().startsWith("application/json")) {
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(answer.body());
        } catch (IOException e) {
            violations.add(where + ": JSON error body does not parse");
            return;
        }
        boolean oauthShape =
                json != null && json.isObject() && json.path("error").isTextual();
        boolean apiGuardShape = oauthShape
                && json.path("error_description").isTextual()
                && json.path("problems").isArray()
                && json.size() == 3;
        boolean shapeKept;
        if (!apiGuard) {
            shapeKept = oauthShape;
        } else if (json != null && json.has("problems")) {
            shapeKept = apiGuardShape;
        } else {
            // Not answered by API Guard's endpoint code: Keycloak's shape, for the documented reasons only.
            shapeKept = oauthShape
                    && (KEYCLOAK_ADMIN_STATUSES.contains(answer.status())
                            || PRE_ENDPOINT_REFUSALS.contains(json.path("error").asText())
                            || PRE_ENDPOINT_REFUSALS.contains(
                                    json.path("error_description").asText()));
        }
        if (!shapeKept) {
            violations.add(where + ": not the documented error shape: " + abbreviate(answer.body()));
        }
    }

    private static String[] headers(String contentType, String authorization) {
        List<String> headers = new ArrayList<>();
        if (!contentType.isEmpty()) {
            headers.add("Content-Type");
            headers.add(contentType);
        }
        if (!authorization.isEmpty()) {
            headers.add("Authorization");
            headers.add(authorization);
        }
        return headers.toArray(String[]::new);
    }

    private static String query(Map<String, String> parameters) {
        StringJoiner joiner = new StringJoiner("&");
        parameters.forEach((name, value) -> joiner.add(name + "=" + enc(value)));
        return joiner.toString();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        String line = text.replace("\n", "\\n");
        return line.length() <= 120 ? line : line.substring(0, 120) + "...(" + line.length() + ")";
    }
}
