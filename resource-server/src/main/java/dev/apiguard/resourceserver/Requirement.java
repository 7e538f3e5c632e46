package dev.apiguard.resourceserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one operation of an API needs from a valid access token: every listed scope, and optionally an
 * authentication context class ({@code acr}) reached within a maximum age (RFC 9470). Immutable.
 *
 * <p>{@link #check} looks at step-up first: a token that lacks the authentication level gets the RFC 9470
 * challenge (401 {@code insufficient_user_authentication} with {@code acr_values} and {@code max_age}, plus
 * the {@code scope} the operation needs so that the client asks for both in one new authorization request);
 * then at scopes (403 {@code insufficient_scope} naming them). A token without {@code acr} or without
 * {@code auth_time} fails a step-up requirement: there is no default that would let it pass.
 */
public final class Requirement {

    private static final Requirement AUTHENTICATED = new Requirement(List.of(), List.of(), null);

    private final List<String> scopes;
    private final List<String> acrValues;
    private final Duration maxAge;

    private Requirement(List<String> scopes, List<String> acrValues, Duration maxAge) {
        this.scopes = List.copyOf(scopes);
        this.acrValues = List.copyOf(acrValues);
        this.maxAge = maxAge;
    }

    /** Any valid token. */
    public static Requirement authenticated() {
        return AUTHENTICATED;
    }

    /** A token carrying every one of {@code scopes}. */
    public static Requirement scopes(String... scopes) {
        List<String> list = Arrays.asList(scopes);
        if (list.isEmpty()
                || list.stream().anyMatch(s -> s == null || s.isBlank() || s.contains(" ") || s.contains("\""))) {
            throw new IllegalArgumentException(
                    "scopes must be non-blank scope tokens without spaces or quotes, got " + list);
        }
        return new Requirement(list, List.of(), null);
    }

    /**
     * This requirement plus step-up: the token's {@code acr} must be one of {@code acrValues} and its
     * {@code auth_time} no older than {@code maxAge}.
     */
    public Requirement withAcr(Duration maxAge, String... acrValues) {
        List<String> list = Arrays.asList(acrValues);
        if (list.isEmpty()
                || list.stream().anyMatch(s -> s == null || s.isBlank() || s.contains(" ") || s.contains("\""))) {
            throw new IllegalArgumentException(
                    "acrValues must be non-blank values without spaces or quotes, got " + list);
        }
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("maxAge must lie between 0 and 86400 s, got " + maxAge);
        }
        return new Requirement(scopes, list, maxAge);
    }

    public List<String> scopeList() {
        return scopes;
    }

    public List<String> acrValues() {
        return acrValues;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Checks {@code token} against this requirement at the clock's time.
     *
     * @throws TokenRejectedException {@code insufficient_user_authentication} or {@code insufficient_scope}
     */
    public void check(AccessToken token, Clock clock) throws TokenRejectedException {
        if (!acrValues.isEmpty()) {
            String problem = stepUpProblem(token, clock.instant());
            if (problem != null) {
                throw new TokenRejectedException(new Rejection(
                        BearerError.INSUFFICIENT_USER_AUTHENTICATION, problem, scopes, acrValues, maxAge));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String scope : scopes) {
            if (!token.hasScope(scope)) {
                missing.add(scope);
            }
        }
        if (!missing.isEmpty()) {
            throw new TokenRejectedException(Rejection.insufficientScope(scopes));
        }
    }

    private String stepUpProblem(AccessToken token, Instant now) {
        if (token.acr() == null) {
            return "the operation needs authentication level " + String.join(" or ", acrValues)
                    + "; the token states none";
        }
        if (!acrValues.contains(token.acr())) {
            return "the operation needs authentication level " + String.join(" or ", acrValues)
                    + "; the token has another";
        }
        if (token.authTime() == null) {
            return "the operation needs an authentication within " + maxAge.toSeconds()
                    + " s; the token has no auth_time";
        }
        if (token.authTime().isAfter(now)
                || Duration.between(token.authTime(), now).compareTo(maxAge) > 0) {
            return "the operation needs an authentication within " + maxAge.toSeconds() + " s";
        }
        return null;
    }

    @Override
    public String toString() {
        return "Requirement[scopes=" + scopes + ", acrValues=" + acrValues + ", maxAge=" + maxAge + "]";
    }
}
