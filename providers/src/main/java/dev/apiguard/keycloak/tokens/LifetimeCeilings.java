package dev.apiguard.keycloak.tokens;

import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * The arithmetic of access-token lifetimes. The effective lifetime of a token is the minimum of
 * the realm's setting, the client's own setting (when it has one), the realm's ceiling and the
 * ceiling of every scope the token carries; the expiry Keycloak computed (which also honours the
 * session's end) is only ever lowered, never raised.
 */
public final class LifetimeCeilings {

    /** API Guard's realm ceiling when the realm does not set {@link #REALM_CEILING_ATTRIBUTE}: 5 minutes. */
    public static final int DEFAULT_REALM_CEILING = 300;

    /** Realm attribute holding the realm's access-token ceiling in seconds. */
    public static final String REALM_CEILING_ATTRIBUTE = "apiguard.accessTokenLifespanCeiling";

    private LifetimeCeilings() {}

    /**
     * @param iat the token's issue time (seconds)
     * @param exp the expiry Keycloak computed (seconds)
     * @param realmSetting the realm's access-token lifespan (seconds)
     * @param clientSetting the client's own lifespan, or a value below 1 for none
     * @param realmCeiling the realm's ceiling (seconds)
     * @param scopeCeiling a scope's ceiling, or a value below 1 for none
     * @return the expiry to put into the token
     */
    public static long cappedExpiry(
            long iat, long exp, int realmSetting, int clientSetting, int realmCeiling, int scopeCeiling) {
        long lifetime = Math.min(realmSetting, realmCeiling);
        if (clientSetting > 0) {
            lifetime = Math.min(lifetime, clientSetting);
        }
        if (scopeCeiling > 0) {
            lifetime = Math.min(lifetime, scopeCeiling);
        }
        return Math.min(exp, iat + Math.max(lifetime, 1));
    }

    /**
     * A client's own access-token lifespan, Keycloak's client attribute
     * {@link OIDCConfigAttributes#ACCESS_TOKEN_LIFESPAN}, read in this one place: null when the
     * client has none (unset, blank, or {@code -1}, Keycloak's "use the realm's"), else the number
     * as written (callers decide what a value below 1 means for them).
     *
     * @throws NumberFormatException when the value is not a whole number (Keycloak then uses the realm's)
     */
    public static Integer clientLifespan(String raw) {
        if (raw == null || raw.isBlank() || "-1".equals(raw.trim())) {
            return null;
        }
        return Integer.valueOf(raw.trim());
    }

    /**
     * Reads a ceiling in seconds; a blank value means {@code fallback}. An invalid value fails
     * closed: it is refused by the checks that save it, and at token time the default applies.
     *
     * @throws IllegalArgumentException when the value is not a whole number of seconds from 1 to 86400
     */
    public static int parseSeconds(String raw, int fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a whole number of seconds", e);
        }
        if (value < 1 || value > 86_400) {
            throw new IllegalArgumentException(value + " s is outside 1..86400 s");
        }
        return value;
    }
}
