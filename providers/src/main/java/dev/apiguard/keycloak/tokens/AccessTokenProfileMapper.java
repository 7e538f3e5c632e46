package dev.apiguard.keycloak.tokens;

import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;

/**
 * Protocol mapper {@code apiguard-access-token-profile}, put on a client scope: whenever that scope
 * is in an access token (any grant), the token's expiry is lowered to the effective lifetime
 * ({@link LifetimeCeilings}), with this mapper's {@code max.lifespan} as the scope's ceiling, and
 * the token gets RFC 9068's {@code client_id} claim. On the {@code basic} scope, which every OIDC
 * client has, it applies the realm ceiling to every token; on {@code orders:admin} with
 * {@code max.lifespan=120} it caps tokens carrying that scope.
 */
public final class AccessTokenProfileMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenMapper {

    public static final String PROVIDER_ID = "apiguard-access-token-profile";
    public static final String MAX_LIFESPAN = "max.lifespan";

    static final String MAX_LIFESPAN_HELP =
            "Ceiling in seconds for access tokens that carry this client scope (1 to 86400). "
                    + "Blank: only the realm's ceiling (realm attribute " + LifetimeCeilings.REALM_CEILING_ATTRIBUTE
                    + ", default "
                    + LifetimeCeilings.DEFAULT_REALM_CEILING + " s), the realm's and the client's own lifespan apply.";

    private static final Logger LOG = Logger.getLogger(AccessTokenProfileMapper.class);

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = List.of(new ProviderConfigProperty(
            MAX_LIFESPAN, "Maximum lifespan (seconds)", MAX_LIFESPAN_HELP, ProviderConfigProperty.STRING_TYPE, ""));

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "API Guard access token profile";
    }

    @Override
    public String getHelpText() {
        return "API Guard: caps the lifetime of access tokens that carry this scope at the minimum of the realm's "
                + "setting, the client's own setting, the realm's ceiling and this mapper's maximum, and adds the "
                + "RFC 9068 client_id claim. Put it on the basic scope for every token, and on a scope with a maximum "
                + "for a stricter ceiling. Applies to every grant.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }

    @Override
    public AccessToken transformAccessToken(
            AccessToken token,
            ProtocolMapperModel mappingModel,
            KeycloakSession session,
            UserSessionModel userSession,
            ClientSessionContext clientSessionCtx) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = clientSessionCtx.getClientSession().getClient();
        token.getOtherClaims().putIfAbsent(OAuth2Constants.CLIENT_ID, client.getClientId());
        if (token.getIat() == null || token.getExp() == null) {
            return token;
        }
        int scopeCeiling = scopeCeiling(mappingModel, realm);
        long exp = LifetimeCeilings.cappedExpiry(
                token.getIat(),
                token.getExp(),
                realm.getAccessTokenLifespan(),
                clientLifespan(client),
                RealmTokenSettings.realmCeiling(realm),
                scopeCeiling);
        token.exp(exp);
        return token;
    }

    private static int scopeCeiling(ProtocolMapperModel mappingModel, RealmModel realm) {
        String raw = mappingModel.getConfig() == null
                ? null
                : mappingModel.getConfig().get(MAX_LIFESPAN);
        try {
            return LifetimeCeilings.parseSeconds(raw, 0);
        } catch (IllegalArgumentException e) {
            // Fail closed: an unreadable ceiling caps at the shortest sane value rather than not at all.
            LOG.errorf(
                    "Mapper '%s' in realm '%s' has an invalid %s (%s): capping at 60 s",
                    mappingModel.getName(), realm.getName(), MAX_LIFESPAN, e.getMessage());
            return 60;
        }
    }

    private static int clientLifespan(ClientModel client) {
        try {
            Integer lifespan =
                    LifetimeCeilings.clientLifespan(client.getAttribute(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN));
            return lifespan == null ? -1 : lifespan;
        } catch (NumberFormatException e) {
            return -1; // Keycloak itself then uses the realm's lifespan
        }
    }
}
