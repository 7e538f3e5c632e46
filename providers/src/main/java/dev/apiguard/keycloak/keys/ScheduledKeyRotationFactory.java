package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.common.ApiGuardVersion;
import dev.apiguard.keycloak.kc.Models;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.timer.TimerProvider;

/**
 * Starts the key-rotation schedule on every node once Keycloak's database is ready: a timer task
 * ({@link KeyRotationTask}) every {@code interval} seconds. Each pass is cheap when nothing is
 * due (it reads cached realms); a realm with a transition due is handled by one node at a time
 * under the cluster's task lock and the realm's database row lock.
 *
 * <p>Server option: {@code --spi-apiguard-key-rotation--default--interval} (env
 * {@code KC_SPI_APIGUARD_KEY_ROTATION__DEFAULT__INTERVAL}), seconds, default 60, 1 to 3600.
 */
public final class ScheduledKeyRotationFactory implements KeyRotationProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final String TASK_NAME = "apiguard-key-rotation";
    static final int DEFAULT_INTERVAL_SECONDS = 60;

    private static final Logger LOG = Logger.getLogger(ScheduledKeyRotationFactory.class);

    private int intervalSeconds = DEFAULT_INTERVAL_SECONDS;

    @Override
    public KeyRotationProvider create(KeycloakSession session) {
        return new KeyRotationProvider() { };
    }

    @Override
    public void init(Config.Scope config) {
        int interval = config.getInt("interval", DEFAULT_INTERVAL_SECONDS);
        if (interval < 1 || interval > 3600) {
            throw new IllegalArgumentException("--spi-" + KeyRotationSpi.NAME + "--" + PROVIDER_ID
                    + "--interval must be 1 to 3600 seconds, was " + interval);
        }
        intervalSeconds = interval;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (Models.isServerStarted(event)) {
                Models.inTransaction(factory, (KeycloakSession session) -> session.getProvider(TimerProvider.class)
                        .scheduleTask(new KeyRotationTask(factory), intervalSeconds * 1000L, TASK_NAME));
                LOG.infof("apiguard: key rotation schedule started, a pass every %d s", intervalSeconds);
            }
        });
    }

    @Override
    public void close() {
        // The timer provider cancels its tasks when Keycloak stops.
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name("interval")
                .type("int")
                .helpText("Seconds between two passes of the key-rotation schedule on each node (1 to 3600). "
                        + "Transitions happen at the first pass after they are due. Default 60.")
                .defaultValue(DEFAULT_INTERVAL_SECONDS)
                .add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("interval-seconds", Integer.toString(intervalSeconds), "version", ApiGuardVersion.current().version());
    }
}
