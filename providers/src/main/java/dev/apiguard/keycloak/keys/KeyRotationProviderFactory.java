package dev.apiguard.keycloak.keys;

import org.keycloak.provider.ProviderFactory;

/** Factory type of {@link KeyRotationSpi}. */
public interface KeyRotationProviderFactory extends ProviderFactory<KeyRotationProvider> {}
