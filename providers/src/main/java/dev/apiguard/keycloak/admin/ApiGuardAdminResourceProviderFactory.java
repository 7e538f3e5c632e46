package dev.apiguard.keycloak.admin;

import dev.apiguard.keycloak.common.ApiGuardVersion;
import java.util.Map;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * Registers API Guard's admin API under {@code /admin/realms/{realm}/apiguard} and shows the
 * extension's version in Keycloak's server info (admin console, "Provider info").
 */
public final class ApiGuardAdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    /** The path segment under {@code /admin/realms/{realm}/}; never changes once shipped. */
    public static final String PROVIDER_ID = "apiguard";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new ApiGuardAdminResourceProvider();
    }

    @Override
    public void init(Config.Scope config) {
        // No server options yet.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to wire after all factories are initialised.
    }

    @Override
    public void close() {
        // No resources held.
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        ApiGuardVersion version = ApiGuardVersion.current();
        return Map.of(
                "version", version.version(),
                "keycloak-version-built-against", version.keycloakVersion());
    }
}
