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
 * Register it as a {@code static} field: the cluster lives for the whole class.
 */
public final class KeycloakClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakClusterExtension.class);

    private final KeycloakCluster.Settings settings;
    private KeycloakCluster cluster;

    public KeycloakClusterExtension(KeycloakCluster.Settings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = context.getStore(NAMESPACE).computeIfAbsent(settings.name(), key -> settings.start(), KeycloakCluster.class);
    }

    /** The running cluster (between the class's first and last test). */
    public KeycloakCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster is started before the first test: register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KeycloakCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster();
    }
}
