package dev.apiguard.resourceserver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Why a request was refused: what {@link Challenge} turns into a status code and a
 * {@code WWW-Authenticate} header. The description is meant for the client developer and never
 * contains the token or any part of it.
 *
 * @param error       the error, never {@code null}
 * @param description a short human-readable reason, never {@code null}
 * @param scope       for {@link BearerError#INSUFFICIENT_SCOPE}: the scopes the operation needs, else empty
 * @param acrValues   for {@link BearerError#INSUFFICIENT_USER_AUTHENTICATION}: acceptable acr values, else empty
 * @param maxAge      for {@link BearerError#INSUFFICIENT_USER_AUTHENTICATION}: the freshness asked for, or {@code null}
 */
public record Rejection(
        BearerError error, String description, List<String> scope, List<String> acrValues, Duration maxAge) {

    public Rejection {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
        scope = List.copyOf(scope);
        acrValues = List.copyOf(acrValues);
    }

    public static Rejection of(BearerError error, String description) {
        return new Rejection(error, description, List.of(), List.of(), null);
    }

    public static Rejection invalidToken(String description) {
        return of(BearerError.INVALID_TOKEN, description);
    }

    public static Rejection invalidRequest(String description) {
        return of(BearerError.INVALID_REQUEST, description);
    }

    public static Rejection invalidDpopProof(String description) {
        return of(BearerError.INVALID_DPOP_PROOF, description);
    }

    public static Rejection insufficientScope(List<String> required) {
        return new Rejection(
                BearerError.INSUFFICIENT_SCOPE,
                "the operation needs scope " + String.join(" ", required),
                required,
                List.of(),
                null);
    }

    public static Rejection insufficientUserAuthentication(
            String description, List<String> acrValues, Duration maxAge) {
        return new Rejection(BearerError.INSUFFICIENT_USER_AUTHENTICATION, description, List.of(), acrValues, maxAge);
    }

    /** The HTTP status code of the answer. */
    public int status() {
        return error.status();
    }
}
