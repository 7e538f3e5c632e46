package dev.apiguard.demo.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code Bearer} challenge out of {@code WWW-Authenticate} values (RFC 9110 §11.6.1): its auth-params as
 * a map, names in lower case, quoted strings unescaped. Values that are not a well-formed challenge give an empty
 * result, never an exception: the app then treats the answer as a plain error.
 */
final class Challenges {

    private Challenges() {}

    /** The auth-params of the first {@code Bearer} challenge among {@code headerValues}, or empty. */
    static Optional<Map<String, String>> bearer(List<String> headerValues) {
        for (String value : headerValues) {
            if (value.length() > 2048) {
                continue;
            }
            if (value.regionMatches(true, 0, "Bearer", 0, 6) && (value.length() == 6 || value.charAt(6) == ' ')) {
                return params(value.substring(6));
            }
        }
        return Optional.empty();
    }

    /** {@code name=token} or {@code name="quoted"} pairs separated by commas; empty when malformed. */
    static Optional<Map<String, String>> params(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = skipSpaces(text, 0);
        while (i < text.length()) {
            int nameStart = i;
            while (i < text.length() && isTokenChar(text.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                return Optional.empty();
            }
            String name = text.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipSpaces(text, i);
            if (i >= text.length() || text.charAt(i) != '=') {
                return Optional.empty();
            }
            i = skipSpaces(text, i + 1);
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < text.length()) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < text.length()) {
                        value.append(text.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    return Optional.empty();
                }
            } else {
                int valueStart = i;
                while (i < text.length() && isTokenChar(text.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return Optional.empty();
                }
                value.append(text, valueStart, i);
            }
            if (params.putIfAbsent(name, value.toString()) != null) {
                return Optional.empty(); // a repeated parameter is ambiguous
            }
            i = skipSpaces(text, i);
            if (i < text.length()) {
                if (text.charAt(i) != ',') {
                    return Optional.empty();
                }
                i = skipSpaces(text, i + 1);
            }
        }
        return Optional.of(params);
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0;
    }
}
