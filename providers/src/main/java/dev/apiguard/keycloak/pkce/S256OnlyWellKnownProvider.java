package dev.apiguard.keycloak.pkce;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.representations.OIDCConfigurationRepresentation;
import org.keycloak.util.JsonSerialization;
import org.keycloak.wellknown.WellKnownProvider;

/** Keycloak's OIDC discovery document, with S256 as the only PKCE method where the baseline enforces it. */
final class S256OnlyWellKnownProvider implements WellKnownProvider {

    static final String METHODS = "code_challenge_methods_supported";

    private final KeycloakSession session;
    private final WellKnownProvider keycloak;

    S256OnlyWellKnownProvider(KeycloakSession session, WellKnownProvider keycloak) {
        this.session = session;
        this.keycloak = Objects.requireNonNull(keycloak, "Keycloak's openid-configuration provider");
    }

    @Override
    public Object getConfig() {
        Object config = keycloak.getConfig();
        if (!PkceBaseline.enforcesS256ForEveryClient(session, session.getContext().getRealm())) {
            return config;
        }
        if (config instanceof OIDCConfigurationRepresentation representation) {
            representation.setCodeChallengeMethodsSupported(List.of("S256"));
            return representation;
        }
        // With Keycloak's openid-configuration-override option the document comes as a map.
        @SuppressWarnings("unchecked")
        Map<String, Object> document = JsonSerialization.mapper.convertValue(config, Map.class);
        document.put(METHODS, List.of("S256"));
        return document;
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
