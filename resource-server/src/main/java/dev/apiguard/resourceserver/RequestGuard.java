package dev.apiguard.resourceserver;

import java.util.List;

/**
 * One request through {@link ResourceServer} and {@link Operations}: what both adapters do, in one place.
 * The outcome is either the {@link AccessToken} or the status and headers of the refusal.
 */
public final class RequestGuard {

    /** The outcome of {@link #check}: a token, or a refusal to send. */
    public record Outcome(AccessToken token, Rejection rejection, List<String> challenges) {
        public boolean allowed() {
            return token != null;
        }
    }

    private final ResourceServer server;
    private final Operations operations;

    public RequestGuard(ResourceServer server, Operations operations) {
        this.server = server;
        this.operations = operations;
    }

    public ResourceServer server() {
        return server;
    }

    /** Authenticates and authorizes {@code request} for the operation at {@code path}. */
    public Outcome check(HttpRequestView request, String path) {
        try {
            AccessToken token = server.authenticate(request);
            Requirement requirement = operations.requirementFor(request.method(), path);
            if (requirement == null) {
                throw new TokenRejectedException(new Rejection(
                        BearerError.INSUFFICIENT_SCOPE,
                        "no rule allows " + request.method() + " on this path",
                        List.of(),
                        List.of(),
                        null));
            }
            server.authorize(token, requirement);
            return new Outcome(token, null, List.of());
        } catch (TokenRejectedException e) {
            return new Outcome(null, e.rejection(), server.challenges(e.rejection()));
        }
    }

    /** The JSON body of a refusal: {@code {"error": ..., "error_description": ...}}. */
    public static String errorBody(Rejection rejection) {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put(
                "error",
                rejection.error().code() == null
                        ? "unauthorized"
                        : rejection.error().code());
        body.put("error_description", rejection.description());
        return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(body);
    }
}
