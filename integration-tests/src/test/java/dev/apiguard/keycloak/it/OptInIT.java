package dev.apiguard.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apiguard.keycloak.it.support.ApiGuardServer;
import dev.apiguard.keycloak.it.support.KeysApi;
import dev.apiguard.keycloak.it.support.Oidc;
import dev.apiguard.keycloak.it.support.ServerEndpoint;
import dev.apiguard.keycloak.it.support.SharedServerExtension;
import dev.apiguard.keycloak.it.support.StockKeycloak;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Installing the JAR changes no realm until that realm adopts API Guard. The same realm, made
 * through the admin API without any of API Guard's configuration, is observed on a stock Keycloak
 * (the same distribution, nothing in {@code providers/}) and on the ITs' server (the JAR installed,
 * key-rotation schedule passing every second): discovery, JWKS body and headers, a
 * client-credentials token, the realm's keys and key components, required actions, events and
 * client-policy settings are the same, apart from values that differ from run to run (key
 * material, kids, times, URLs).
 *
 * <p>Keys: the JAR side is observed again after many passes of the schedule. Before rotation
 * became opt-in, the first pass adopted every realm's keys (writing their lifecycle into the key
 * components) and published a next key ahead of a 90-day rotation; here nothing may change.
 */
@ExtendWith(SharedServerExtension.class)
class OptInIT {

    private static final String REALM = "opt-in-plain";
    private static final String CLIENT = "plain-service";
    private static final String VARIES = "(varies run to run)";
    /** Headers whose value depends on the moment or the URL's length. */
    private static final Set<String> VOLATILE_HEADERS = Set.of("date", "content-length");
    /** JWK members holding key material or key ids. */
    private static final Set<String> KEY_MATERIAL = Set.of("kid", "n", "e", "x", "y", "x5c", "x5t", "x5t#S256");
    /** Schedule passes (one a second on the ITs' server) the JAR side is left alone for. */
    private static final Duration PASSES = Duration.ofSeconds(6);

    private static Observed stock;
    private static Observed withJar;
    private static Observed withJarLater;
    private static KeysApi keysApi;

    /** The stock side first, stopped before the ITs' server is asked for: one more Keycloak at a time, not two. */
    @BeforeAll
    static void observeTheRealmOnStockKeycloak() {
        try (StockKeycloak stockServer = StockKeycloak.start("opt-in-stock")) {
            stock = observe(stockServer);
        }
    }

    /** The same realm on the ITs' server, observed once, then again after {@link #PASSES}. */
    private static synchronized void observeWithTheJar(ApiGuardServer server) {
        if (withJar != null) {
            return;
        }
        Observed first = observe(server);
        try {
            Thread.sleep(PASSES.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        withJarLater = observeKeys(server, first);
        Oidc oidc = new Oidc(server);
        keysApi = new KeysApi(oidc::request, server.baseUrl(), oidc::masterAdminToken);
        withJar = first;
    }

    @Test
    void discoveryWhenTheRealmHasNotAdoptedApiGuardThenDocumentAndHeadersAreStockKeycloaks(ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(differences(stock.discovery(), withJar.discovery()))
                .as("discovery members: stock vs with the JAR")
                .isEmpty();
        assertThat(differences(stock.discoveryHeaders(), withJar.discoveryHeaders()))
                .as("headers: stock vs with the JAR")
                .isEmpty();
        assertThat(withJar.discovery()).containsKeys("issuer", "jwks_uri", "code_challenge_methods_supported");
    }

    @Test
    void jwksWhenTheRealmHasNotAdoptedApiGuardThenBodyAndHeadersAreStockKeycloaks(ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(withJar.jwksKeys()).isEqualTo(stock.jwksKeys());
        assertThat(differences(stock.jwksHeaders(), withJar.jwksHeaders()))
                .as("headers: stock vs with the JAR")
                .isEmpty();
        assertThat(withJar.jwksHeaders().get("cache-control"))
                .as("Keycloak's own header")
                .isNotNull();
    }

    @Test
    void clientCredentialsTokenWhenTheRealmHasNotAdoptedApiGuardThenHeaderAndClaimNamesAreStockKeycloaks(
            ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(withJar.tokenResponseFields()).isEqualTo(stock.tokenResponseFields());
        assertThat(withJar.tokenHeader()).isEqualTo(stock.tokenHeader());
        assertThat(withJar.tokenClaimNames()).isEqualTo(stock.tokenClaimNames()).contains("iss", "exp", "scope");
    }

    @Test
    void keysWhenTheRealmHasNotAdoptedRotationThenNothingIsRotatedOrRecordedAfterManySchedulePasses(
            ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(withJar.keys()).isEqualTo(stock.keys());
        assertThat(withJar.keyComponents()).isEqualTo(stock.keyComponents());
        assertThat(withJarLater.keys())
                .as("keys after %s of schedule passes", PASSES)
                .isEqualTo(withJar.keys());
        assertThat(withJarLater.kids()).as("the same key ids").isEqualTo(withJar.kids());
        assertThat(withJarLater.keyComponents())
                .as("no lifecycle written into the key components")
                .isEqualTo(stock.keyComponents());
        assertThat(keysApi.keys(REALM).getString("policySource")).isEqualTo("none");
        assertThat(keysApi.keys(REALM).getList("families.keys.flatten().recorded", Boolean.class))
                .isNotEmpty()
                .containsOnly(false);
    }

    @Test
    void masterRealmWhenTheJarIsInstalledThenItsKeysAreNotRotated(ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(keysApi.keys("master").getString("policySource")).isEqualTo("none");
        assertThat(keysApi.keys("master").getList("families.keys.flatten().recorded", Boolean.class))
                .isNotEmpty()
                .containsOnly(false);
        assertThat(keysApi.keys("master").getString("nextTransition")).isNull();
    }

    @Test
    void realmSettingsWhenTheRealmHasNotAdoptedApiGuardThenRequiredActionsEventsAndClientPoliciesAreStockKeycloaks(
            ApiGuardServer server) {
        observeWithTheJar(server);
        assertThat(withJar.requiredActions()).isEqualTo(stock.requiredActions());
        assertThat(withJar.requiredActions()).noneMatch(action -> action.startsWith("apiguard-"));
        assertThat(withJar.eventsConfig()).isEqualTo(stock.eventsConfig());
        assertThat(withJar.clientPolicies()).isEqualTo(stock.clientPolicies());
    }

    /** Members whose values differ (or that only one side has), as {@code name -> [stock, with the JAR]}. */
    private static Map<String, List<Object>> differences(Map<String, ?> stock, Map<String, ?> withJar) {
        Map<String, List<Object>> differences = new TreeMap<>();
        Set<String> names = new TreeSet<>(stock.keySet());
        names.addAll(withJar.keySet());
        for (String name : names) {
            Object expected = stock.get(name);
            Object actual = withJar.get(name);
            if (expected == null ? actual != null : !expected.equals(actual)) {
                differences.put(name, java.util.Arrays.asList(expected, actual));
            }
        }
        return differences;
    }

    // ---- observations --------------------------------------------------------------------

    /** What the test compares, with run-to-run values replaced. */
    record Observed(
            Map<String, Object> discovery,
            Map<String, String> discoveryHeaders,
            List<Map<String, Object>> jwksKeys,
            Map<String, String> jwksHeaders,
            Set<String> tokenResponseFields,
            Map<String, Object> tokenHeader,
            Set<String> tokenClaimNames,
            List<String> keys,
            Set<String> kids,
            List<String> keyComponents,
            List<String> requiredActions,
            Map<String, Object> eventsConfig,
            List<Object> clientPolicies) {}

    private static Observed observe(ServerEndpoint server) {
        Oidc oidc = new Oidc(server);
        String admin = oidc.masterAdminToken();
        String secret = Oidc.randomSecret();
        oidc.request()
                .auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of(
                        "realm",
                        REALM,
                        "enabled",
                        true,
                        "clients",
                        List.of(Map.of(
                                "clientId",
                                CLIENT,
                                "enabled",
                                true,
                                "publicClient",
                                false,
                                "secret",
                                secret,
                                "serviceAccountsEnabled",
                                true,
                                "standardFlowEnabled",
                                false,
                                "directAccessGrantsEnabled",
                                false))))
                .post(server.baseUrl() + "/admin/realms")
                .then()
                .statusCode(201);

        Response discovery = oidc.request().get(server.realmUrl(REALM) + "/.well-known/openid-configuration");
        assertThat(discovery.statusCode()).isEqualTo(200);
        Response jwks = oidc.request().get(server.realmUrl(REALM) + "/protocol/openid-connect/certs");
        assertThat(jwks.statusCode()).isEqualTo(200);
        Response token = oidc.request()
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", CLIENT)
                .formParam("client_secret", secret)
                .post(oidc.tokenEndpoint(REALM));
        assertThat(token.statusCode())
                .as("client-credentials token: %s", token.asString())
                .isEqualTo(200);
        String[] parts = token.jsonPath().getString("access_token").split("\\.");

        Map<String, Object> header = new TreeMap<>(json(parts[0]));
        header.replace("kid", VARIES);
        RequestSpecification asAdmin = oidc.request().auth().oauth2(admin);
        String adminRealm = server.baseUrl() + "/admin/realms/" + REALM;
        Observed keys = observeKeys(server, null);
        return new Observed(
                normalise(discovery.jsonPath().getMap("$"), server),
                headers(discovery),
                jwksKeys(jwks),
                headers(jwks),
                new TreeSet<>(token.jsonPath().<String, Object>getMap("$").keySet()),
                header,
                new TreeSet<>(json(parts[1]).keySet()),
                keys.keys(),
                keys.kids(),
                keys.keyComponents(),
                asAdmin
                        .get(adminRealm + "/authentication/required-actions")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("$", Map.class)
                        .stream()
                        .map(action -> action.get("alias") + " enabled=" + action.get("enabled") + " default="
                                + action.get("defaultAction"))
                        .sorted()
                        .toList(),
                new TreeMap<>(oidc.request()
                        .auth()
                        .oauth2(admin)
                        .get(adminRealm + "/events/config")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("$")),
                List.of(
                        oidc.request()
                                .auth()
                                .oauth2(admin)
                                .get(adminRealm + "/client-policies/policies")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .get("$"),
                        oidc.request()
                                .auth()
                                .oauth2(admin)
                                .get(adminRealm + "/client-policies/profiles")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .get("$")));
    }

    /** The realm's keys (admin API) and key components, with key material left out. */
    private static Observed observeKeys(ServerEndpoint server, Observed rest) {
        Oidc oidc = new Oidc(server);
        String admin = oidc.masterAdminToken();
        String adminRealm = server.baseUrl() + "/admin/realms/" + REALM;
        List<Map<String, Object>> keys = oidc.request()
                .auth()
                .oauth2(admin)
                .get(adminRealm + "/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("keys");
        List<String> keyLines = keys.stream()
                .map(key -> key.get("algorithm") + " " + key.get("type") + " " + key.get("use") + " "
                        + key.get("status") + " priority=" + key.get("providerPriority"))
                .sorted()
                .toList();
        Set<String> kids =
                keys.stream().map(key -> (String) key.get("kid")).collect(Collectors.toCollection(TreeSet::new));
        List<Map<String, Object>> components = oidc.request()
                .auth()
                .oauth2(admin)
                .queryParam("type", "org.keycloak.keys.KeyProvider")
                .get(adminRealm + "/components")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        List<String> componentLines = components.stream()
                .map(component -> component.get("providerId") + " " + component.get("name") + " config="
                        + new TreeSet<>(((Map<?, ?>) component.get("config"))
                                .keySet().stream().map(String::valueOf).toList()))
                .sorted()
                .toList();
        if (rest == null) {
            return new Observed(
                    null, null, null, null, null, null, null, keyLines, kids, componentLines, null, null, null);
        }
        return new Observed(
                rest.discovery(),
                rest.discoveryHeaders(),
                rest.jwksKeys(),
                rest.jwksHeaders(),
                rest.tokenResponseFields(),
                rest.tokenHeader(),
                rest.tokenClaimNames(),
                keyLines,
                kids,
                componentLines,
                rest.requiredActions(),
                rest.eventsConfig(),
                rest.clientPolicies());
    }

    private static Map<String, String> headers(Response response) {
        Map<String, String> headers = new TreeMap<>();
        for (Header header : response.getHeaders()) {
            String name = header.getName().toLowerCase(Locale.ROOT);
            headers.merge(name, VOLATILE_HEADERS.contains(name) ? VARIES : header.getValue(), (a, b) -> a + ", " + b);
        }
        return headers;
    }

    private static List<Map<String, Object>> jwksKeys(Response jwks) {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Map<String, Object> key : jwks.jsonPath().<Map<String, Object>>getList("keys")) {
            Map<String, Object> kept = new TreeMap<>(key);
            kept.replaceAll((name, value) -> KEY_MATERIAL.contains(name) ? VARIES : value);
            keys.add(kept);
        }
        keys.sort(Comparator.comparing(Object::toString));
        return keys;
    }

    /**
     * The document with the server's base URL replaced, so that two servers' documents compare;
     * {@code scopes_supported} sorted: Keycloak lists the realm's scopes in an order that differs
     * from run to run (seen on stock Keycloak 26.7.0).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalise(Map<String, Object> document, ServerEndpoint server) {
        Map<String, Object> result = new LinkedHashMap<>();
        document.forEach((name, value) -> result.put(name, normaliseValue(value, server)));
        result.computeIfPresent(
                "scopes_supported",
                (name, scopes) -> ((List<Object>) scopes)
                        .stream().map(String::valueOf).sorted().toList());
        return new TreeMap<>(result);
    }

    @SuppressWarnings("unchecked")
    private static Object normaliseValue(Object value, ServerEndpoint server) {
        if (value instanceof String text) {
            return text.replace(server.baseUrl(), "{base}");
        }
        if (value instanceof Map<?, ?> map) {
            return normalise((Map<String, Object>) map, server);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> normaliseValue(item, server)).toList();
        }
        return value;
    }

    private static Map<String, Object> json(String base64Url) {
        String text = new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(text).getMap("$");
    }
}
