package dev.apiguard.keycloak.benchmarks.sidebyside;

/** The token requests the benchmark measures, in the order of each round. */
public enum Grant {
    /** {@code grant_type=client_credentials} by a confidential client (client secret). */
    CLIENT_CREDENTIALS("client-credentials"),
    /** {@code grant_type=refresh_token}: each refresh token used once, the answer's token used next. */
    REFRESH("refresh"),
    /** {@code grant_type=authorization_code} with PKCE S256; codes are obtained before the round (login excluded). */
    CODE_EXCHANGE("code-exchange");

    private final String id;

    Grant(String id) {
        this.id = id;
    }

    /** The name used in the JSON, the chart and the console. */
    public String id() {
        return id;
    }
}
