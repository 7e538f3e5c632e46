package dev.apiguard.keycloak.common;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import org.keycloak.models.KeycloakSession;

/**
 * What every API Guard admin endpoint checks before it reads a request, answered in the
 * {@link ApiError} shape rather than Keycloak's generic one:
 * <ul>
 *   <li>the caller's realm permission ({@code view-realm}, {@code manage-realm}, ...): 403
 *       {@code forbidden};</li>
 *   <li>the body's content type, for endpoints that read one: JSON ({@code application/json} or
 *       a {@code +json} type), else 415 {@code unsupported_media_type}.</li>
 * </ul>
 * Endpoints declare no {@code @Consumes}, so that a request with another content type reaches
 * them and is answered here, in the documented shape.
 */
public final class AdminRequests {

    private AdminRequests() {}

    /**
     * Runs a Keycloak permission check ({@code auth.realm()::requireManageRealm}); returns the 403
     * answer when it refuses, {@code null} when the caller may go on.
     */
    public static Response refusedUnless(Runnable permissionCheck, String permission) {
        try {
            permissionCheck.run();
            return null;
        } catch (ForbiddenException e) {
            // Keycloak's permission checks signal "no" with this exception only; it carries nothing to show.
            return ApiError.response(
                    Response.Status.FORBIDDEN,
                    ApiError.FORBIDDEN,
                    "the caller lacks the realm permission this endpoint requires",
                    List.of("requires " + permission));
        }
    }

    /**
     * For an endpoint that reads a JSON body: the 403 answer of {@link #refusedUnless(Runnable,
     * String)}, else the 415 answer of {@link #unlessJson} for the request of {@code session}, else
     * {@code null}. The request is not looked at when the permission is refused.
     */
    public static Response refusedUnless(Runnable permissionCheck, String permission, KeycloakSession session) {
        Response refused = refusedUnless(permissionCheck, permission);
        return refused != null ? refused : unlessJson(session.getContext().getRequestHeaders());
    }

    /** The 415 answer when the request's body is not declared as JSON, {@code null} when it is. */
    public static Response unlessJson(HttpHeaders headers) {
        MediaType type;
        try {
            type = headers == null ? null : headers.getMediaType();
        } catch (IllegalArgumentException e) {
            // An unparsable Content-Type header: as good as none.
            type = null;
        }
        if (type != null
                && "application".equalsIgnoreCase(type.getType())
                && ("json".equalsIgnoreCase(type.getSubtype())
                        || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"))) {
            return null;
        }
        return ApiError.response(
                Response.Status.UNSUPPORTED_MEDIA_TYPE,
                ApiError.UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON",
                List.of("Content-Type: "
                        + (type == null ? "missing" : "'" + type.getType() + "/" + type.getSubtype() + "'")
                        + ", application/json expected"));
    }
}
