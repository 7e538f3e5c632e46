package dev.apiguard.keycloak.common;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

/**
 * A provider factory with no server options and nothing to wire or release: the lifecycle
 * methods Keycloak requires, as no-ops, in one place. A factory that gains options overrides
 * {@link #init(Config.Scope)} and reads them there once.
 */
public interface StatelessProviderFactory<T extends Provider> extends ProviderFactory<T> {

    @Override
    default void init(Config.Scope config) {
        // No server options.
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
        // Nothing to wire after all factories are initialised.
    }

    @Override
    default void close() {
        // No resources held.
    }
}
