package dev.apiguard.keycloak.keys;

import org.keycloak.provider.Provider;

/** The per-session face of the key-rotation SPI: the schedule's settings. */
public interface KeyRotationProvider extends Provider {

    /** Seconds between two passes of the schedule on each node. */
    int intervalSeconds();

    @Override
    default void close() {
        // Nothing held per session.
    }
}
