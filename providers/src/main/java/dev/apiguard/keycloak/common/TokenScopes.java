package dev.apiguard.keycloak.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Space-separated OAuth scope strings (RFC 6749 section 3.3): split and narrowed, order kept. Pure. */
public final class TokenScopes {

    private TokenScopes() {}

    /**
     * The scopes of a space-separated scope string, in order; none for null or blank. What
     * {@code scope.trim().split("\\s+")} gives, without the regular expression (it runs several
     * times for every token issued) and without an empty scope: a string of control characters
     * only, which {@code trim()} empties, has none (tested against the expression).
     */
    public static List<String> split(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        String trimmed = scope.trim();
        List<String> scopes = new ArrayList<>(8);
        int start = -1;
        for (int i = 0; i < trimmed.length(); i++) {
            if (separator(trimmed.charAt(i))) {
                if (start >= 0) {
                    scopes.add(trimmed.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            scopes.add(trimmed.substring(start));
        }
        return scopes;
    }

    /** The characters of the regular expression {@code \\s}. */
    private static boolean separator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** {@code scope} without {@code removed}, space-separated; empty for null. */
    public static String without(String scope, Set<String> removed) {
        return split(scope).stream().filter(s -> !removed.contains(s)).collect(Collectors.joining(" "));
    }
}
