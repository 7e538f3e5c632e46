package dev.apiguard.keycloak.stepup;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * When a login session reached each level of authentication: Keycloak's user-session note
 * {@code loa-map}, JSON {@code {"1": epochSeconds, "2": epochSeconds}}.
 */
public final class LevelTimes {

    private LevelTimes() {}

    /** Parses the note; an absent or unreadable note means no level was reached. */
    public static Map<Integer, Long> parse(String note) {
        if (note == null || note.isBlank()) {
            return Map.of();
        }
        try {
            Map<Integer, Long> levels = JsonSerialization.readValue(note, new TypeReference<Map<Integer, Long>>() {});
            return levels == null ? Map.of() : levels;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Whether some level at or above {@code requiredLevel} was reached no longer than
     * {@code maxAgeSeconds} before {@code now}.
     */
    public static boolean satisfied(Map<Integer, Long> levels, int requiredLevel, int maxAgeSeconds, long now) {
        for (Map.Entry<Integer, Long> entry : levels.entrySet()) {
            if (entry.getKey() >= requiredLevel
                    && entry.getValue() != null
                    && now - entry.getValue() <= maxAgeSeconds
                    && entry.getValue() <= now) {
                return true;
            }
        }
        return false;
    }
}
