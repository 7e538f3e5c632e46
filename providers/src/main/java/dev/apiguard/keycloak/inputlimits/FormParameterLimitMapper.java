package dev.apiguard.keycloak.inputlimits;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.error.KeycloakErrorHandler;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Answers a form with more fields than the HTTP layer accepts (RESTEasy Reactive stops at 1,000
 * and throws a plain {@code RuntimeException("Param limit of 1000 was exceeded")}) with 400
 * {@code {"error": "invalid_request", "error_description": "..."}}, on every endpoint and in every
 * realm: the token, PAR, introspection, revocation and form-posted authorization endpoints among
 * them. Keycloak 26.7 answers such a request with 500 and logs a stack trace.
 *
 * <p>A JAX-RS mapper is chosen by the exception's nearest mapped class, so this mapper (for
 * {@code RuntimeException}) sees every runtime exception that has no mapper of its own; each one
 * that is not the parameter limit is handed to Keycloak's {@link KeycloakErrorHandler}, which
 * would have answered it anyway (it maps {@code Throwable}). The answer to anything else is
 * therefore unchanged, byte for byte.
 */
@Provider
public final class FormParameterLimitMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(FormParameterLimitMapper.class);

    static final String DESCRIPTION = "Too many parameters in the request";

    @Override
    public Response toResponse(RuntimeException exception) {
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        if (isParameterLimit(exception)) {
            if (session != null) {
                session.getTransactionManager().setRollbackOnly();
            }
            LOG.debugf("Refused a request with too many parameters: %s", exception.getMessage());
            OAuth2ErrorRepresentation error = new OAuth2ErrorRepresentation(OAuthErrorException.INVALID_REQUEST,
                    DESCRIPTION + " (" + exception.getMessage() + ")");
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
        }
        if (session == null) {
            // Not in a Keycloak request: nothing to render with; the same generic answer Keycloak gives.
            LOG.error("Uncaught server error", exception);
            return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation("unknown_error", "For more on this error consult the server log.")).build();
        }
        return KeycloakErrorHandler.getResponse(session, exception);
    }

    /**
     * Whether {@code exception} is RESTEasy Reactive's form-parameter limit: a plain
     * {@code RuntimeException} (no subclass) whose message is "Param limit of N was exceeded".
     */
    static boolean isParameterLimit(Throwable exception) {
        return exception != null && exception.getClass() == RuntimeException.class && exception.getMessage() != null
                && exception.getMessage().matches("Param limit of \\d+ was exceeded");
    }
}
