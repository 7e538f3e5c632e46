package dev.apiguard.keycloak.kc;

import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.error.KeycloakErrorHandler;

/** Keycloak's own answer to an exception (its {@code KeycloakErrorHandler}), for mappers that handle only some cases. */
public final class KeycloakErrors {

    /** The log text Keycloak uses for an uncaught server error. */
    public static final String UNCAUGHT_SERVER_ERROR_TEXT = KeycloakErrorHandler.UNCAUGHT_SERVER_ERROR_TEXT;

    private KeycloakErrors() {}

    /** What Keycloak answers for {@code exception} without API Guard. */
    public static Response response(KeycloakSession session, Throwable exception) {
        return KeycloakErrorHandler.getResponse(session, exception);
    }
}
