package dev.apiguard.keycloak.keys;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * API Guard's own SPI {@value #NAME}: one provider ({@code default}) that schedules key rotation.
 * It exists so that the schedule has server options of its own:
 * {@code --spi-apiguard-key-rotation--default--interval=60}.
 */
public final class KeyRotationSpi implements Spi {

    public static final String NAME = "apiguard-key-rotation";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return KeyRotationProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return KeyRotationProviderFactory.class;
    }
}
