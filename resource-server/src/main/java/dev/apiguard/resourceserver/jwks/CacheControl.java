package dev.apiguard.resourceserver.jwks;

import java.util.Locale;

/** Reads {@code max-age} from a {@code Cache-Control} header value (RFC 9111 §5.2). */
final class CacheControl {

    private CacheControl() {}

    /**
     * The {@code max-age} in seconds, or {@code null} when the value is absent, malformed, or says
     * {@code no-cache} / {@code no-store} (the cache then uses its default lifetime).
     */
    static Long maxAgeSeconds(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        Long maxAge = null;
        for (String directive : headerValue.split(",")) {
            String d = directive.trim().toLowerCase(Locale.ROOT);
            if (d.equals("no-cache") || d.equals("no-store")) {
                return null;
            }
            if (d.startsWith("max-age=")) {
                String value = d.substring("max-age=".length()).replace("\"", "");
                if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                maxAge = Long.parseLong(value);
            }
        }
        return maxAge;
    }
}
