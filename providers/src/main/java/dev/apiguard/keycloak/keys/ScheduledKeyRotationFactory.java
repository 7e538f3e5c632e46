package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.common.ApiGuardVersion;
import dev.apiguard.keycloak.kc.Models;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Server options, read once here:
 * <ul>
 *   <li>{@code --spi-apiguard-key-rotation--default--interval} (env
 *       {@code KC_SPI_APIGUARD_KEY_ROTATION__DEFAULT__INTERVAL}), seconds, default 60, 1 to 3600;</li>
 *   <li>{@code --spi-apiguard-key-rotation--default--default-policy} (env
 *       {@code KC_SPI_APIGUARD_KEY_ROTATION__DEFAULT__DEFAULT_POLICY}), a rotation policy as JSON
 *       that every realm without a policy of its own follows; unset (the default): such realms
 *       are not rotated. An invalid policy stops Keycloak's start, naming every problem.</li>
 * </ul>
 */
public final class ScheduledKeyRotationFactory implements KeyRotationProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final String TASK_NAME = "apiguard-key-rotation";
    static final int DEFAULT_INTERVAL_SECONDS = 60;
    static final String INTERVAL = "interval";
    static final String DEFAULT_POLICY = "default-policy";

    private static final Logger LOG = Logger.getLogger(ScheduledKeyRotationFactory.class);

    /** The server options, immutable once read. */
    record Settings(int intervalSeconds, Optional<RotationPolicy> defaultPolicy) implements KeyRotationProvider {}

    private Settings settings = new Settings(DEFAULT_INTERVAL_SECONDS, Optional.empty());

    @Override
    public KeyRotationProvider create(KeycloakSession session) {
        return settings;
    }

    @Override
    public void init(Config.Scope config) {
        settings = settings(config.getInt(INTERVAL, DEFAULT_INTERVAL_SECONDS), config.get(DEFAULT_POLICY));
        settings.defaultPolicy()
                .ifPresent(policy -> LOG.infof(
                        "apiguard: realms without a key-rotation policy of their own follow the server's default policy %s",
                        policy.toJson()));
    }

    /** Checks the options' values; the messages name the option, the value and the allowed range. */
    static Settings settings(int interval, String defaultPolicy) {
        if (interval < 1 || interval > 3600) {
            throw new IllegalArgumentException(option(INTERVAL) + " must be 1 to 3600 seconds, was " + interval);
        }
        if (defaultPolicy == null || defaultPolicy.isBlank()) {
            return new Settings(interval, Optional.empty());
        }
        try {
            return new Settings(interval, Optional.of(RotationPolicy.parse(defaultPolicy)));
        } catch (PolicyException e) {
            throw new IllegalArgumentException(
                    option(DEFAULT_POLICY) + " is not a valid key-rotation policy: " + String.join("; ", e.problems()),
                    e);
        }
    }

    private static String option(String name) {
        return "--spi-" + KeyRotationSpi.NAME + "--" + PROVIDER_ID + "--" + name;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (Models.isServerStarted(event)) {
                Models.inTransaction(
                        factory,
                        (KeycloakSession session) -> session.getProvider(TimerProvider.class)
                                .scheduleTask(
                                        new KeyRotationTask(factory), settings.intervalSeconds() * 1000L, TASK_NAME));
                LOG.infof("apiguard: key rotation schedule started, a pass every %d s", settings.intervalSeconds());
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
                .name(INTERVAL)
                .type("int")
                .helpText("Seconds between two passes of the key-rotation schedule on each node (1 to 3600). "
                        + "Transitions happen at the first pass after they are due. Default 60.")
                .defaultValue(DEFAULT_INTERVAL_SECONDS)
                .add()
                .property()
                .name(DEFAULT_POLICY)
                .type("string")
                .helpText(
                        "Key-rotation policy (JSON, the body of PUT /admin/realms/{realm}/apiguard/v1/keys) that every "
                                + "realm without a policy of its own follows, master included. Blank (the default): such realms are "
                                + "not rotated and keep Keycloak's JWKS header. An invalid policy stops the start.")
                .add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("interval-seconds", Integer.toString(settings.intervalSeconds()));
        info.put(
                "default-policy",
                settings.defaultPolicy()
                        .map(policy -> policy.toJson().toString())
                        .orElse("none"));
        info.put("version", ApiGuardVersion.current().version());
        return info;
    }
}
