package dev.apiguard.keycloak.tokens;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Client-policy executor {@code apiguard-token-policy}; see {@link TokenPolicyRules}. */
public final class TokenPolicyExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-token-policy";

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new TokenPolicyExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return TokenPolicyExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: refuses to create or update a client whose access-token lifespan (access.token.lifespan) is "
                + "above the realm's ceiling (realm attribute apiguard.accessTokenLifespanCeiling, default 300 s), whose "
                + "token signing algorithm is not ES256, PS256, EdDSA or the RS256 opt-in, or which turns the RFC 9068 "
                + "at+jwt header off; turns that header on when a request leaves it out. No options.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
