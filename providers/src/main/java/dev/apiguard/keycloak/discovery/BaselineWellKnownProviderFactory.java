package dev.apiguard.keycloak.discovery;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.Logins;
import org.keycloak.models.KeycloakSession;
import org.keycloak.wellknown.WellKnownProvider;
import org.keycloak.wellknown.WellKnownProviderFactory;

/**
 * Serves {@code /.well-known/openid-configuration} in Keycloak's place (same alias; Keycloak picks
 * the lowest priority, its own is 100) by decorating Keycloak's own document
 * ({@link BaselineWellKnownProvider}).
 */
public final class BaselineWellKnownProviderFactory
        implements WellKnownProviderFactory, StatelessProviderFactory<WellKnownProvider> {

    public static final String PROVIDER_ID = "apiguard-openid-configuration";

    /** Below Keycloak's 100: the lower number wins. */
    static final int PRIORITY = 50;

    @Override
    public WellKnownProvider create(KeycloakSession session) {
        return new BaselineWellKnownProvider(
                session, session.getProvider(WellKnownProvider.class, Logins.OIDC_WELL_KNOWN));
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getAlias() {
        return Logins.OIDC_WELL_KNOWN;
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
