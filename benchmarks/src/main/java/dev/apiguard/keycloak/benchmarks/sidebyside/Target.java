package dev.apiguard.keycloak.benchmarks.sidebyside;

/**
 * One realm the benchmark measures, with the clients and the user each grant needs.
 *
 * @param name            e.g. {@code stock-RS256}
 * @param server          the Keycloak serving the realm
 * @param realm           the realm's name
 * @param algorithm       the signature algorithm its access tokens must carry (checked before measuring)
 * @param serviceClient   confidential client for client credentials
 * @param serviceSecret   its secret
 * @param serviceScope    scope to request with client credentials, or empty for none
 * @param publicClient    public client for the code flow (PKCE S256) and refresh
 * @param redirectUri     its redirect URI
 * @param codeScope       scope of the authorization requests
 * @param username        the user who signs in (once, before any measurement)
 * @param password        their password
 */
record Target(
        String name,
        KeycloakServer server,
        String realm,
        String algorithm,
        String serviceClient,
        String serviceSecret,
        String serviceScope,
        String publicClient,
        String redirectUri,
        String codeScope,
        String username,
        String password) {

    /**
     * The user worker {@code worker} of a login round signs in as: one per connection, so that no two
     * logins of one user run at once (Keycloak's brute-force protection refuses a login while another
     * of the same user is in progress, as {@code user_temporarily_disabled}). A copy of {@link #username()}
     * with the same password, attributes, roles and groups ({@link Oidc#cloneUser}).
     */
    String loginUsername(int worker) {
        return username + "-login-" + (worker + 1);
    }

    String realmUrl() {
        return server.baseUrl() + "/realms/" + realm;
    }

    String tokenUrl() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    String authUrl() {
        return realmUrl() + "/protocol/openid-connect/auth";
    }

    @Override
    public String toString() {
        // Never prints the secrets.
        return name + " (realm " + realm + " on " + server.baseUrl() + ")";
    }
}
