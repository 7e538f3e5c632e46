package dev.apiguard.keycloak.inputlimits;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Answers a request declared {@code multipart/form-data} whose body is not a complete multipart
 * body (RESTEasy Reactive throws {@code IOException("Connection terminated parsing multipart
 * request")}, which Keycloak 26.7 answers with 500) with 400 {@code invalid_request}, on every
 * endpoint. Every other {@code IOException} without a mapper of its own (e.g. Jackson's parse
 * errors) goes to Keycloak's error handler unchanged.
 */
@Provider
public final class MalformedMultipartMapper implements ExceptionMapper<IOException> {

    static final String DESCRIPTION = "Malformed multipart body";

    @Context
    KeycloakSession session;

    @Override
    public Response toResponse(IOException exception) {
        KeycloakSession current = session != null ? session : KeycloakSessionUtil.getKeycloakSession();
        if (isTruncatedMultipart(exception)) {
            return BadRequests.refuse(Response.Status.BAD_REQUEST, DESCRIPTION, current);
        }
        return BadRequests.keycloaks(current, exception);
    }

    static boolean isTruncatedMultipart(Throwable exception) {
        return exception != null
                && exception.getClass() == IOException.class
                && "Connection terminated parsing multipart request".equals(exception.getMessage());
    }
}
