package dev.apiguard.keycloak.inputlimits;

import dev.apiguard.keycloak.kc.KeycloakErrors;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

/**
 * The answers of this package's mappers and filter: 400 (or 415) in OAuth's error shape for a
 * malformed request, and Keycloak's own answer for everything else (its internal
 * {@code KeycloakErrorHandler}, through {@link KeycloakErrors}).
 */
final class BadRequests {

    private static final Logger LOG = Logger.getLogger(BadRequests.class);

    private BadRequests() {}

    /** {@code status} with {@code {"error": "invalid_request", "error_description": description}}. */
    static Response refuse(Response.Status status, String description, KeycloakSession session) {
        if (session != null) {
            session.getTransactionManager().setRollbackOnly();
        }
        LOG.debugf("Refused a malformed request: %s", description);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_REQUEST, description))
                .build();
    }

    /**
     * What Keycloak answers without API Guard: its {@code KeycloakErrorHandler}, which maps every
     * {@code Throwable}. Without a session (a request refused before Keycloak opened one), the
     * exception's own status for a {@link WebApplicationException}, else Keycloak's generic 500.
     */
    static Response keycloaks(KeycloakSession session, Throwable exception) {
        if (session != null) {
            return KeycloakErrors.response(session, exception);
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            LOG.debugf("Error response %d without a Keycloak session: %s", status, exception.getMessage());
            return Response.status(status)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation(
                            exception.getMessage() == null ? "unknown_error" : exception.getMessage(), null))
                    .build();
        }
        LOG.error(KeycloakErrors.UNCAUGHT_SERVER_ERROR_TEXT, exception);
        return Response.serverError()
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation(
                        "unknown_error", "For more on this error consult the server log."))
                .build();
    }
}
