package dev.apiguard.keycloak.admin;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.common.ApiGuardVersion;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * Registers API Guard's admin API under {@code /admin/realms/{realm}/apiguard} and shows the
 * extension's version in Keycloak's server info (admin console, "Provider info").
 */
public final class ApiGuardAdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory,
        StatelessProviderFactory<AdminRealmResourceProvider> {

    /** The path segment under {@code /admin/realms/{realm}/}; never changes once shipped. */
    public static final String PROVIDER_ID = "apiguard";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new ApiGuardAdminResourceProvider();
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
