package dev.apiguard.keycloak.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Objects;

/**
 * The one error body of every API Guard admin endpoint (documented in docs/admin-api.md):
 * <pre>{"error": "invalid_policy", "error_description": "the policy has 2 problems", "problems": ["...", "..."]}</pre>
 * <ul>
 *   <li>{@code error}: a stable machine-readable code (lower case, underscores);</li>
 *   <li>{@code error_description}: one sentence for a human;</li>
 *   <li>{@code problems}: every problem found, each naming the field or place and the value or
 *       limit; empty when there is nothing more to say than the description.</li>
 * </ul>
 * No field ever carries a stack trace, a class name or a secret.
 *
 * @param error the error code
 * @param errorDescription a sentence for a human
 * @param problems every problem found, possibly none
 */
@JsonPropertyOrder({"error", "error_description", "problems"})
public record ApiError(
        @JsonProperty("error") String error,
        @JsonProperty("error_description") String errorDescription,
        @JsonProperty("problems") List<String> problems) {

    /** The request is not what the endpoint accepts (unreadable, too large, missing a field). */
    public static final String INVALID_REQUEST = "invalid_request";
    /** The caller lacks the realm role the endpoint requires. */
    public static final String FORBIDDEN = "forbidden";
    /** The thing named in the path does not exist. */
    public static final String NOT_FOUND = "not_found";
    /** The body's content type is not JSON. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";

    public ApiError {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(errorDescription, "errorDescription");
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** The JSON response with this body and {@code status}. */
    public Response toResponse(Response.Status status) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(this)
                .build();
    }

    /** An answer with {@code status}, {@code error}, a description and the problems. */
    public static Response response(Response.Status status, String error, String description, List<String> problems) {
        return new ApiError(error, description, problems).toResponse(status);
    }

    /** 400 {@code invalid_request} with the problems. */
    public static Response invalidRequest(String description, List<String> problems) {
        return response(Response.Status.BAD_REQUEST, INVALID_REQUEST, description, problems);
    }

    /** A description that counts the problems: "the policy has 3 problems". */
    public static String describe(String subject, List<String> problems) {
        int count = problems == null ? 0 : problems.size();
        return subject + " has " + count + (count == 1 ? " problem" : " problems");
    }
}
