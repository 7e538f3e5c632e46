package dev.apiguard.keycloak.it.support;

import static java.util.Objects.requireNonNull;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link KeycloakCluster} before the first test of the class that registers it and
 * stops it after the last (JUnit closes it with the class's store), so that no two clusters run
 * at once in one test run. Tests receive it as a {@link KeycloakCluster} parameter or through
 * {@link #cluster()}:
 * <pre>{@code
 * @RegisterExtension
 * static final KeycloakClusterExtension CLUSTER = new KeycloakClusterExtension(KeycloakCluster.settings("my-test"));
 * }</pre>
 * Register it as a {@code static} field: the cluster lives for the whole class. {@link #shared()}
 * gives the one cluster that several classes share (started by the first, stopped when the run
 * ends): a cluster start costs one to three minutes on two cores.
 */
public final class KeycloakClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KeycloakClusterExtension.class);

    private final KeycloakCluster.Settings settings;
    private final boolean shared;
    private KeycloakCluster cluster;
    private WebhookReceiver webhook;

    public KeycloakClusterExtension(KeycloakCluster.Settings settings) {
        this(settings, false);
    }

    private KeycloakClusterExtension(KeycloakCluster.Settings settings, boolean shared) {
        this.settings = requireNonNull(settings, "settings");
        this.shared = shared;
    }

    /**
     * The two-node cluster shared by the IT classes that register this: the demo realm imported,
     * API Guard's key-rotation schedule passing every second (so that rotation tests run whole
     * cycles of seconds), the audit stream's webhook sink on every node delivering to one {@link
     * WebhookReceiver} (up for the whole run; tests receive it as a parameter). A test that stops a
     * node starts it again before it ends.
     */
    public static KeycloakClusterExtension shared() {
        return new KeycloakClusterExtension(
                KeycloakCluster.settings("shared").option("--spi-apiguard-key-rotation--default--interval=1"), true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext owner = shared ? context.getRoot() : context;
        ExtensionContext.Store store = owner.getStore(NAMESPACE);
        if (shared) {
            // Put in the store before the cluster: JUnit closes it after the cluster.
            webhook = store.computeIfAbsent(
                    settings.name() + ".webhook", key -> new WebhookReceiver().up(), WebhookReceiver.class);
        }
        cluster = store.computeIfAbsent(
                settings.name(),
                key -> (webhook == null ? settings : settings.auditWebhook(webhook)).start(),
                KeycloakCluster.class);
    }

    /** The running cluster (between the class's first and last test). */
    public KeycloakCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "the cluster is started before the first test: register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KeycloakCluster.class || (type == WebhookReceiver.class && shared);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == WebhookReceiver.class ? webhook : cluster();
    }
}
