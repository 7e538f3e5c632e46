package dev.apiguard.keycloak.common;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Space-separated OAuth scope strings (RFC 6749 section 3.3): split and narrowed, order kept. Pure. */
public final class TokenScopes {

    private TokenScopes() {}

    /** The scopes of a space-separated scope string, in order; none for null or blank. */
    public static List<String> split(String scope) {
        return scope == null || scope.isBlank()
                ? List.of()
                : Arrays.asList(scope.trim().split("\\s+"));
    }

    /** {@code scope} without {@code removed}, space-separated; empty for null. */
    public static String without(String scope, Set<String> removed) {
        return split(scope).stream().filter(s -> !removed.contains(s)).collect(Collectors.joining(" "));
    }
}
