package dev.apiguard.keycloak.inputlimits;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses, before any resource is chosen, two requests that Keycloak 26.7 answers with 500:
 * <ul>
 *   <li>a {@code Content-Type} header that is not a media type ({@code Content-Type: garbage}):
 *       Keycloak's own security-headers response filter parses it and fails. Answered 400
 *       {@code invalid_request}; the header is removed first, so that the response filters can
 *       run;</li>
 *   <li>a {@code POST} to the device authorization endpoint
 *       ({@code .../protocol/openid-connect/auth/device}) that is not a form: RESTEasy Reactive
 *       fails with a NullPointerException while refusing it. Answered 415 {@code invalid_request}.</li>
 * </ul>
 * Every other request passes untouched.
 */
@Provider
@PreMatching
@Priority(1)
public final class MalformedHeaderFilter implements ContainerRequestFilter {

    static final String DEVICE_PATH = "/protocol/openid-connect/auth/device";

    @Override
    public void filter(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null) {
            return;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            // Not a media type: the only way to know is to parse it.
            request.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
            request.abortWith(BadRequests.refuse(Response.Status.BAD_REQUEST, "Unparsable Content-Type header", null));
            return;
        }
        if ("POST".equals(request.getMethod())
                && request.getUriInfo().getPath().endsWith(DEVICE_PATH)
                && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            request.abortWith(BadRequests.refuse(
                    Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "The device authorization request must be application/x-www-form-urlencoded",
                    null));
        }
    }
}
