package dev.apiguard.keycloak.it.support;

import java.security.KeyStore;

/**
 * What {@link Oidc} needs of a running Keycloak: where it answers, which certificate to trust, and
 * the credentials it was started with. An {@link ApiGuardServer} is one; so is each node of a
 * {@link KeycloakCluster}, whose {@link Oidc} then talks to that node only.
 */
public interface ServerEndpoint {

    /** {@code https://localhost:<port>} of this server; every request of its {@link Oidc} goes there. */
    String baseUrl();

    default String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /** Trusts exactly the server's self-signed certificate. */
    KeyStore trustStore();

    /** The value of a credential the server was started with, e.g. {@code APIGUARD_DEMO_SERVICE_SECRET}. */
    String credential(String name);
}
