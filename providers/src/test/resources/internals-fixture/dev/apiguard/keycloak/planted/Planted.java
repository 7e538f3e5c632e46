package dev.apiguard.keycloak.planted;

// Fixture of KeycloakInternalsTest (not compiled): each line below that names an internal must be reported.
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.util.*;

/** Mentions in comments do not count: {@link org.keycloak.protocol.oidc.TokenManager}. */
final class Planted {

    private final String text = "org.keycloak.models.jpa.entities.RealmEntity in a string does not count";

    Object use(KeycloakSession session) {
        AuthenticationManager.isSessionValid(null, null);
        return org.keycloak.utils.MediaType.APPLICATION_JSON;
    }
}
