package dev.apiguard.keycloak.it.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves an {@link ApiGuardServer} parameter to the one server shared by every IT class of the
 * run: started on first use, stopped when the test run ends (the root store closes it).
 */
public final class SharedServerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedServerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ApiGuardServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext
                .getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        "shared-server",
                        // Key rotation passes every second, so that rotation ITs run whole cycles of a few seconds.
                        key -> ApiGuardServer.settings("shared")
                                .freshData()
                                .env("KC_SPI_APIGUARD_KEY_ROTATION__DEFAULT__INTERVAL", "1")
                                // Metrics on: rate limiting's counters are read from the metrics endpoint.
                                .env("KC_METRICS_ENABLED", "true")
                                // CIBA's authentication device, for GrantPathsIT (Keycloak has no channel by default).
                                .env(
                                        "KC_SPI_CIBA_AUTH_CHANNEL__CIBA_HTTP_AUTH_CHANNEL__HTTP_AUTHENTICATION_CHANNEL_URI",
                                        CibaChannel.shared().url())
                                .start(),
                        ApiGuardServer.class);
    }
}
