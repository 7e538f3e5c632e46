package dev.apiguard.keycloak.keys;

import org.keycloak.provider.Provider;

/**
 * The per-session face of the key-rotation SPI. It holds nothing: the SPI exists so that its
 * factory ({@link ScheduledKeyRotationFactory}) reads the schedule's server options in {@code init}
 * and starts the schedule; nothing asks a session for them.
 */
public interface KeyRotationProvider extends Provider {

    @Override
    default void close() {
        // Nothing held per session.
    }
}
