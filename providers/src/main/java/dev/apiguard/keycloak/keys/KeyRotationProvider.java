package dev.apiguard.keycloak.keys;

import java.util.Optional;
import org.keycloak.provider.Provider;

/**
 * The per-session face of the key-rotation SPI: the schedule's server options, read once by its
 * factory ({@link ScheduledKeyRotationFactory}) in {@code init}; the schedule, the JWKS filter and
 * the admin report ask a session for the default policy.
 */
public interface KeyRotationProvider extends Provider {

    /** Seconds between two passes of the schedule on each node. */
    int intervalSeconds();

    /**
     * The policy a realm without one of its own follows, from the server option
     * {@code default-policy}; empty (the default) when the operator set none: such realms are not rotated.
     */
    Optional<RotationPolicy> defaultPolicy();

    @Override
    default void close() {
        // Nothing held per session.
    }
}
