package dev.apiguard.keycloak.keys;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations of the rotation policy as written in realm-config and the admin API: ISO-8601
 * ({@code P90D}, {@code PT12H}, {@code PT30S}) or a whole number of seconds ({@code 30}), so
 * that tests can run whole cycles in seconds. Always whole seconds, never negative.
 */
final class Durations {

    private Durations() {}

    /**
     * Parses {@code text} for the field {@code field}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    static long parseSeconds(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(
                    field + " is empty: give an ISO-8601 duration such as P90D or PT30S, or seconds");
        }
        String value = text.trim();
        Duration duration;
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                // Only digits, so only too large to be a long.
                throw new IllegalArgumentException(field + " '" + value + "' is too large");
            }
        }
        try {
            duration = Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + value
                    + "' is not a duration: give an ISO-8601 duration such as P90D or PT30S, or seconds");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(field + " '" + value + "' is negative");
        }
        if (duration.getNano() != 0) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a whole number of seconds");
        }
        return duration.getSeconds();
    }

    /** {@code P90D} when whole days, else {@code PT12H}, {@code PT30S} and so on. */
    static String format(long seconds) {
        if (seconds > 0 && seconds % 86_400 == 0) {
            return "P" + (seconds / 86_400) + "D";
        }
        return Duration.ofSeconds(seconds).toString();
    }
}
