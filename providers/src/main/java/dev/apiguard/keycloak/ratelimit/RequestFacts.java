package dev.apiguard.keycloak.ratelimit;

/**
 * What the limiter knows of a request before the endpoint runs.
 *
 * @param endpoint the limited endpoint
 * @param clientId the client the request names, or {@code null}
 * @param tier the client's tier attribute, or {@code null}
 * @param address the source address as Keycloak resolved it (a literal), or {@code null}
 * @param username the username of a password attempt, or {@code null}
 */
public record RequestFacts(Endpoint endpoint, String clientId, String tier, String address, String username) {}
