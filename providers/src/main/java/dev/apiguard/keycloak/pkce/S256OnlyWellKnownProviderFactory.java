package dev.apiguard.keycloak.pkce;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCWellKnownProviderFactory;
import org.keycloak.wellknown.WellKnownProvider;
import org.keycloak.wellknown.WellKnownProviderFactory;

/**
 * Serves {@code /.well-known/openid-configuration} in Keycloak's place (same alias, higher
 * precedence: Keycloak picks the lowest priority, its own is 100), by decorating Keycloak's own
 * document: in a realm where the baseline enforces PKCE S256 for every client
 * ({@link PkceBaseline}), {@code code_challenge_methods_supported} becomes {@code ["S256"]}.
 * Everything else, including Keycloak's {@code openid-configuration-override} option, is
 * Keycloak's.
 */
public final class S256OnlyWellKnownProviderFactory implements WellKnownProviderFactory, StatelessProviderFactory<WellKnownProvider> {

    public static final String PROVIDER_ID = "apiguard-openid-configuration";

    /** Below Keycloak's 100: the lower number wins. */
    static final int PRIORITY = 50;

    @Override
    public WellKnownProvider create(KeycloakSession session) {
        return new S256OnlyWellKnownProvider(session,
                session.getProvider(WellKnownProvider.class, OIDCWellKnownProviderFactory.PROVIDER_ID));
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getAlias() {
        return OIDCWellKnownProviderFactory.PROVIDER_ID;
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
