package dev.apiguard.keycloak.admin;

import dev.apiguard.keycloak.common.ApiGuardVersion;
import dev.apiguard.keycloak.common.KeycloakCompatibility;
import dev.apiguard.keycloak.common.StatelessProviderFactory;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.Version;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * Registers API Guard's admin API under {@code /admin/realms/{realm}/apiguard} and shows the
 * extension's version in Keycloak's server info (admin console, "Provider info"). Its
 * {@link #init} refuses to start on a Keycloak version API Guard does not support
 * ({@link KeycloakCompatibility}).
 */
public final class ApiGuardAdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory,
                ServerInfoAwareProviderFactory,
                StatelessProviderFactory<AdminRealmResourceProvider> {

    /** The path segment under {@code /admin/realms/{realm}/}; never changes once shipped. */
    public static final String PROVIDER_ID = "apiguard";

    private static final Logger LOG = Logger.getLogger(ApiGuardAdminResourceProviderFactory.class);

    @Override
    public void init(Config.Scope config) {
        // Throws (and so stops Keycloak's start) on an unsupported version; warns on an untested later 26.x.
        KeycloakCompatibility.check(Version.VERSION, ApiGuardVersion.current().version())
                .ifPresent(LOG::warn);
    }

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
                "keycloak-version-built-against", version.keycloakVersion(),
                "keycloak-versions-supported", KeycloakCompatibility.supported());
    }
}
