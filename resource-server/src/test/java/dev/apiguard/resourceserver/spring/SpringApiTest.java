package dev.apiguard.resourceserver.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.apiguard.resourceserver.AccessToken;
import dev.apiguard.resourceserver.AccessTokenValidator;
import dev.apiguard.resourceserver.Operations;
import dev.apiguard.resourceserver.RequestGuard;
import dev.apiguard.resourceserver.Requirement;
import dev.apiguard.resourceserver.ResourceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot API protected by the library: the whole integration is the two beans in {@link Api}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = SpringApiTest.Api.class)
class SpringApiTest {

    static final String ISSUER = "https://idp.example.test/realms/demo";
    static final ECKey KEY = key();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(OrdersController.class)
    static class Api {

        @Bean
        RequestGuard guard() {
            AccessTokenValidator validator = AccessTokenValidator.builder()
                    .issuer(ISSUER)
                    .audience("orders-api")
                    .staticKeys(new JWKSet(KEY.toPublicJWK()))
                    .build(); // an application uses discovery: no staticKeys
            return new RequestGuard(
                    ResourceServer.builder()
                            .validator(validator)
                            .resource(URI.create("https://api.example.test"))
                            .build(),
                    Operations.builder()
                            .rule("GET", "/api/orders", Requirement.scopes("orders:read"))
                            .build());
        }

        @Bean
        SecurityFilterChain api(HttpSecurity http, RequestGuard guard) throws Exception {
            return http.with(ApiGuardConfigurer.apiGuard(guard), Customizer.withDefaults())
                    .build();
        }
    }

    @RestController
    static class OrdersController {
        @GetMapping("/api/orders")
        Map<String, Object> orders(@AuthenticationPrincipal AccessToken token) {
            return Map.of("owner", token.subject(), "orders", java.util.List.of());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    RequestGuard guard;

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getOrdersWhenTokenHasScopeThen200WithTheSubject() throws Exception {
        HttpResponse<String> response = get("/api/orders", "Bearer " + token("orders:read"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"owner\":\"alice\"");
    }

    @Test
    void getOrdersWhenNoTokenThen401WithBearerChallenge() throws Exception {
        HttpResponse<String> response = get("/api/orders", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate"))
                .first()
                .asString()
                .startsWith("Bearer realm=\"api\"")
                .doesNotContain("error=");
    }

    @Test
    void getOrdersWhenScopeMissingThen403InsufficientScope() throws Exception {
        HttpResponse<String> response = get("/api/orders", "Bearer " + token("orders:write"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .get()
                .asString()
                .contains("error=\"insufficient_scope\"", "scope=\"orders:read\"");
        assertThat(response.body()).contains("\"error\":\"insufficient_scope\"");
    }

    @Test
    void getOrdersWhenTokenForgedThen401InvalidToken() throws Exception {
        HttpResponse<String> response =
                get("/api/orders", "Bearer " + token("orders:read").replace('.', '.') + "x");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .get()
                .asString()
                .contains("error=\"invalid_token\"");
    }

    @Test
    void unlistedOperationWhenValidTokenThenRefused() throws Exception {
        assertThat(get("/api/other", "Bearer " + token("orders:read")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void metadataWhenRequestedWithoutTokenThen200() throws Exception {
        HttpResponse<String> response = get("/.well-known/oauth-protected-resource", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"resource\":\"https://api.example.test\"");
    }

    private static String token(String scope) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("orders-api")
                .subject("alice")
                .claim("client_id", "demo-spa")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", scope)
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID(KEY.getKeyID())
                        .build(),
                claims);
        jwt.sign(new ECDSASigner(KEY));
        return jwt.serialize();
    }

    private static ECKey key() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("k-1").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
