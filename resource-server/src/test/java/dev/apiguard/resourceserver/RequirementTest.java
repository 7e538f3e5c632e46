package dev.apiguard.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-operation scope and step-up requirements, and the challenges they produce. */
class RequirementTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Requirement DELETE =
            Requirement.scopes("orders:admin").withAcr(Duration.ofSeconds(300), "mfa");

    private static AccessToken token(String scope, String acr, Instant authTime) {
        return new AccessToken(
                "user-1",
                "demo-spa",
                "https://idp/realms/a",
                List.of("orders-api"),
                Set.of(scope.split(" ")),
                "j-1",
                NOW.minusSeconds(10),
                NOW.plusSeconds(300),
                acr,
                authTime,
                null,
                new JWTClaimsSet.Builder().build());
    }

    private static Rejection refusal(Requirement requirement, AccessToken token) {
        TokenRejectedException e =
                catchThrowableOfType(TokenRejectedException.class, () -> requirement.check(token, CLOCK));
        assertThat(e).isNotNull();
        return e.rejection();
    }

    @Test
    void checkWhenScopeMissingThen403NamingTheScope() {
        Rejection r = refusal(Requirement.scopes("orders:write"), token("orders:read", null, null));

        assertThat(r.error()).isEqualTo(BearerError.INSUFFICIENT_SCOPE);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.scope()).containsExactly("orders:write");
    }

    @Test
    void checkWhenPasswordOnlyTokenThenStepUpChallengeWithAcrAndMaxAge() {
        Rejection r = refusal(DELETE, token("orders:admin", "1", NOW.minusSeconds(10)));

        assertThat(r.error()).isEqualTo(BearerError.INSUFFICIENT_USER_AUTHENTICATION);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.acrValues()).containsExactly("mfa");
        assertThat(r.maxAge()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void checkWhenAcrMissingThenStepUpFailsClosed() {
        assertThat(refusal(DELETE, token("orders:admin", null, NOW)).error())
                .isEqualTo(BearerError.INSUFFICIENT_USER_AUTHENTICATION);
    }

    @Test
    void checkWhenAuthTimeMissingThenStepUpFailsClosed() {
        assertThat(refusal(DELETE, token("orders:admin", "mfa", null)).error())
                .isEqualTo(BearerError.INSUFFICIENT_USER_AUTHENTICATION);
    }

    @Test
    void checkWhenSecondFactorOlderThanMaxAgeThenStepUpChallenge() {
        assertThat(refusal(DELETE, token("orders:admin", "mfa", NOW.minusSeconds(301)))
                        .error())
                .isEqualTo(BearerError.INSUFFICIENT_USER_AUTHENTICATION);
    }

    @Test
    void checkWhenAuthTimeInTheFutureThenStepUpChallenge() {
        assertThat(refusal(DELETE, token("orders:admin", "mfa", NOW.plusSeconds(60)))
                        .error())
                .isEqualTo(BearerError.INSUFFICIENT_USER_AUTHENTICATION);
    }

    @Test
    void checkWhenFreshSecondFactorAndScopeThenAllowed() throws Exception {
        DELETE.check(token("orders:admin", "mfa", NOW.minusSeconds(300)), CLOCK);
    }

    @Test
    void checkWhenFreshSecondFactorButNoScopeThen403() {
        assertThat(refusal(DELETE, token("orders:read", "mfa", NOW)).error()).isEqualTo(BearerError.INSUFFICIENT_SCOPE);
    }

    @Test
    void challengeWhenStepUpNeededThenRfc9470HeaderWithResourceMetadata() {
        ResourceServer server = ResourceServer.builder()
                .validator(AccessTokenValidator.builder()
                        .issuer("https://idp.example.test/realms/a")
                        .audience("orders-api")
                        .staticKeys(
                                new com.nimbusds.jose.jwk.JWKSet(Tokens.ec("k").toPublicJWK()))
                        .build())
                .resource(URI.create("https://localhost:8444"))
                .realm("orders")
                .build();

        List<String> challenges = server.challenges(refusal(DELETE, token("orders:admin", "1", NOW)));

        assertThat(challenges.get(0))
                .startsWith("Bearer realm=\"orders\", error=\"insufficient_user_authentication\"")
                .contains(
                        "scope=\"orders:admin\"",
                        "acr_values=\"mfa\"",
                        "max_age=300",
                        "resource_metadata=\"https://localhost:8444/.well-known/oauth-protected-resource\"");
        assertThat(challenges.get(1))
                .startsWith("DPoP realm=\"orders\"")
                .contains("algs=\"ES256 PS256\"")
                .doesNotContain("error=");
    }

    @Test
    void metadataWhenBuiltThenRfc9728Document() {
        ResourceServer server = ResourceServer.builder()
                .validator(AccessTokenValidator.builder()
                        .issuer("https://idp.example.test/realms/a")
                        .audience("orders-api")
                        .staticKeys(
                                new com.nimbusds.jose.jwk.JWKSet(Tokens.ec("k").toPublicJWK()))
                        .build())
                .resource(URI.create("https://localhost:8444"))
                .scopesSupported("orders:read", "orders:write")
                .build();

        assertThat(server.metadataPath()).isEqualTo("/.well-known/oauth-protected-resource");
        assertThat(server.metadataJson())
                .contains("\"resource\":\"https://localhost:8444\"")
                .contains("\"authorization_servers\":[\"https://idp.example.test/realms/a\"]")
                .contains(
                        "\"bearer_methods_supported\":[\"header\"]",
                        "\"scopes_supported\":[\"orders:read\",\"orders:write\"]");
    }

    @Test
    void operationsWhenNoRuleMatchesThenRefused() {
        Operations operations = Operations.builder()
                .rule("GET", "/api/orders", Requirement.scopes("orders:read"))
                .rule("DELETE", "/api/orders/{id}", DELETE)
                .build();

        assertThat(operations.requirementFor("GET", "/api/orders")).isNotNull();
        assertThat(operations.requirementFor("DELETE", "/api/orders/42")).isSameAs(DELETE);
        assertThat(operations.requirementFor("DELETE", "/api/orders/")).isNull();
        assertThat(operations.requirementFor("PUT", "/api/orders")).isNull();
        assertThat(operations.requirementFor("GET", "/api/orders/42/items")).isNull();
    }
}
