package dev.apiguard.keycloak.inputlimits;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Answers with 400 {@code {"error": "invalid_request", ...}}, on every endpoint and in every
 * realm, two malformed requests that Keycloak 26.7 answers with 500 and a logged stack trace:
 * <ul>
 *   <li>a form with more fields than the HTTP layer accepts: RESTEasy Reactive stops at 1,000 and
 *       throws a plain {@code RuntimeException("Param limit of 1000 was exceeded")};</li>
 *   <li>a form or query with an undecodable escape ({@code token=%}): an
 *       {@code IllegalArgumentException("Failed to decode URL ...")}.</li>
 * </ul>
 * A JAX-RS mapper is chosen by the exception's nearest mapped class, so this mapper (for
 * {@code RuntimeException}) sees every runtime exception that has no mapper of its own; every
 * other one goes to Keycloak's own error handler ({@link BadRequests#keycloaks}), which would have
 * answered it anyway: those answers are unchanged.
 */
@Provider
public final class MalformedRequestMapper implements ExceptionMapper<RuntimeException> {

    static final String TOO_MANY = "Too many parameters in the request";
    static final String UNDECODABLE = "Undecodable percent-encoding in the request";

    @Context
    KeycloakSession session;

    @Override
    public Response toResponse(RuntimeException exception) {
        KeycloakSession current = session != null ? session : KeycloakSessionUtil.getKeycloakSession();
        if (isParameterLimit(exception)) {
            return BadRequests.refuse(
                    Response.Status.BAD_REQUEST, TOO_MANY + " (" + exception.getMessage() + ")", current);
        }
        if (isUndecodable(exception)) {
            return BadRequests.refuse(Response.Status.BAD_REQUEST, UNDECODABLE, current);
        }
        return BadRequests.keycloaks(current, exception);
    }

    /**
     * RESTEasy Reactive's form-parameter limit: a plain {@code RuntimeException} (no subclass)
     * whose message is "Param limit of N was exceeded".
     */
    static boolean isParameterLimit(Throwable exception) {
        return exception != null
                && exception.getClass() == RuntimeException.class
                && exception.getMessage() != null
                && exception.getMessage().matches("Param limit of \\d+ was exceeded");
    }

    /** The URL decoder's refusal of a malformed escape: a plain {@code IllegalArgumentException("Failed to decode URL ...")}. */
    static boolean isUndecodable(Throwable exception) {
        return exception != null
                && exception.getClass() == IllegalArgumentException.class
                && exception.getMessage() != null
                && exception.getMessage().startsWith("Failed to decode URL ");
    }
}
