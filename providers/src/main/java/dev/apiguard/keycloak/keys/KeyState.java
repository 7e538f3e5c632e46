package dev.apiguard.keycloak.keys;

import java.util.Locale;

/** Where a key stands in its lifecycle. */
public enum KeyState {
    /** Published (in the JWKS for asymmetric keys) and verifying, not signing yet. */
    NEXT,
    /** Signing. */
    ACTIVE,
    /** No longer signing, still verifying until its retirement ends. */
    RETIRED,
    /** Removed by the schedule once its retirement ended. */
    DELETED,
    /** Removed at once by an emergency revoke. */
    REVOKED;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static KeyState fromLabel(String label) {
        if (label == null) {
            return null;
        }
        for (KeyState state : values()) {
            if (state.label().equals(label)) {
                return state;
            }
        }
        return null;
    }
}
