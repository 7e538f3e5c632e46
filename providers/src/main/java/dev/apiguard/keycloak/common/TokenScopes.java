package dev.apiguard.keycloak.common;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;

/**
 * Withholds scopes from a token response that Keycloak is building, for every executor that does
 * (ABAC, step-up). Keycloak encodes the tokens and computes the response's {@code scope} (from the
 * client session, not the token) once, the first time the response is built, and then reuses that
 * response. So executors only narrow the token objects ({@link #withhold}); the last token-changing
 * executor of the profile then builds the response once ({@link #finish}) and narrows its
 * {@code scope} by everything any of them withheld in this request.
 */
public final class TokenScopes {

    private static final String WITHHELD = TokenScopes.class.getName() + ".withheld";

    private TokenScopes() {
    }

    /** Removes {@code scopes} from the access and refresh tokens being built, and remembers them for {@link #finish}. */
    public static void withhold(KeycloakSession session, TokenManager.AccessTokenResponseBuilder builder, Set<String> scopes) {
        if (scopes.isEmpty()) {
            return;
        }
        AccessToken token = builder.getAccessToken();
        token.setScope(without(token.getScope(), scopes));
        if (builder.getRefreshToken() != null) {
            builder.getRefreshToken().setScope(without(builder.getRefreshToken().getScope(), scopes));
        }
        withheld(session).addAll(scopes);
    }

    /**
     * Builds the response (tokens are encoded now: nothing may change them after) and removes from
     * its {@code scope} every scope withheld in this request. Does nothing if none was.
     */
    public static void finish(KeycloakSession session, TokenManager.AccessTokenResponseBuilder builder) {
        Set<String> withheld = withheld(session);
        if (withheld.isEmpty()) {
            return;
        }
        AccessTokenResponse response = builder.build();
        response.setScope(without(response.getScope(), withheld));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> withheld(KeycloakSession session) {
        Set<String> withheld = (Set<String>) session.getAttribute(WITHHELD);
        if (withheld == null) {
            withheld = new LinkedHashSet<>();
            session.setAttribute(WITHHELD, withheld);
        }
        return withheld;
    }

    /** The scopes of a space-separated scope string, in order; none for null or blank. */
    public static List<String> split(String scope) {
        return scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split("\\s+"));
    }

    /** {@code scope} without {@code removed}, space-separated. */
    public static String without(String scope, Set<String> removed) {
        return split(scope).stream().filter(s -> !removed.contains(s)).collect(Collectors.joining(" "));
    }
}
