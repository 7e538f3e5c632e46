package dev.apiguard.resourceserver;

/**
 * The error codes a protected resource answers with, and their HTTP status.
 *
 * <ul>
 *   <li>{@link #INVALID_REQUEST}, {@link #INVALID_TOKEN}, {@link #INSUFFICIENT_SCOPE}: RFC 6750 §3.1;</li>
 *   <li>{@link #INSUFFICIENT_USER_AUTHENTICATION}: RFC 9470 §3 (step-up);</li>
 *   <li>{@link #INVALID_DPOP_PROOF}: RFC 9449 §7.1;</li>
 *   <li>{@link #MISSING_CREDENTIALS}: no credentials at all; RFC 6750 §3.1 says the challenge then carries
 *       no error code.</li>
 * </ul>
 */
public enum BearerError {
    INVALID_REQUEST("invalid_request", 400),
    INVALID_TOKEN("invalid_token", 401),
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    INSUFFICIENT_USER_AUTHENTICATION("insufficient_user_authentication", 401),
    INVALID_DPOP_PROOF("invalid_dpop_proof", 401),
    MISSING_CREDENTIALS(null, 401);

    private final String code;
    private final int status;

    BearerError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The {@code error} parameter value, {@code null} for {@link #MISSING_CREDENTIALS}. */
    public String code() {
        return code;
    }

    /** The HTTP status code of the answer. */
    public int status() {
        return status;
    }
}
