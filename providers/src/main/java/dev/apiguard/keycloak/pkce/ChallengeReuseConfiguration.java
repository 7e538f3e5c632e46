package dev.apiguard.keycloak.pkce;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;

/**
 * Configuration of {@code apiguard-pkce-challenge-reuse}, bound by Keycloak from the executor's
 * JSON. Validated when a client profile is saved ({@link #validateConfig()}): a bad value or an
 * unknown key refuses the profile.
 */
public final class ChallengeReuseConfiguration extends ClientPolicyExecutorConfigurationRepresentation {

    public static final int DEFAULT_WINDOW_SECONDS = 600;
    public static final int MAX_WINDOW_SECONDS = 86_400;

    /** What to do with a reused challenge. */
    public enum Action {
        /** refuse the authorization request ({@code invalid_request}) and raise an event */
        REFUSE,
        /** let the request through and raise an event */
        RECORD
    }

    @JsonProperty("window-seconds")
    private String windowSeconds;

    @JsonProperty("action")
    private String action;

    public void setWindowSeconds(String windowSeconds) {
        this.windowSeconds = windowSeconds;
    }

    public void setAction(String action) {
        this.action = action;
    }

    /** Seconds a challenge is remembered; at least the realm's code lifetime is applied on top. */
    @JsonIgnore
    public int windowSecondsOrDefault() {
        if (windowSeconds == null || windowSeconds.isBlank()) {
            return DEFAULT_WINDOW_SECONDS;
        }
        int value = Integer.parseInt(windowSeconds.trim());
        if (value < 1 || value > MAX_WINDOW_SECONDS) {
            throw new IllegalArgumentException("window-seconds must be 1.." + MAX_WINDOW_SECONDS + ", was " + value);
        }
        return value;
    }

    @JsonIgnore
    public Action actionOrDefault() {
        if (action == null || action.isBlank()) {
            return Action.REFUSE;
        }
        return Action.valueOf(action.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public boolean validateConfig() {
        try {
            windowSecondsOrDefault();
            actionOrDefault();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return getConfigAsMap().isEmpty();
    }
}
