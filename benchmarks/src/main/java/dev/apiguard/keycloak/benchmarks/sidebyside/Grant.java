package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.Optional;

/** The token requests the benchmark measures, in the order of each round. */
public enum Grant {
    /** {@code grant_type=client_credentials} by a confidential client (client secret). */
    CLIENT_CREDENTIALS("client-credentials"),
    /** {@code grant_type=refresh_token}: each refresh token used once, the answer's token used next. */
    REFRESH("refresh"),
    /** {@code grant_type=authorization_code} with PKCE S256; codes are obtained before the round (login excluded). */
    CODE_EXCHANGE("code-exchange"),
    /**
     * A password login through the browser form, no SSO cookie: GET the authorization endpoint (PKCE
     * S256), POST the username and password, read the code from the redirect; the code is not
     * exchanged. Only with {@code --grants}: one login costs about a hundred times a token request.
     */
    LOGIN("login");

    private final String id;

    Grant(String id) {
        this.id = id;
    }

    /** The name used in the JSON, the chart and the console. */
    public String id() {
        return id;
    }

    /** The grant whose {@link #id()} is {@code id}, or empty. */
    static Optional<Grant> byId(String id) {
        for (Grant grant : values()) {
            if (grant.id.equals(id)) {
                return Optional.of(grant);
            }
        }
        return Optional.empty();
    }
}
