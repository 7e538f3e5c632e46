package dev.apiguard.keycloak.abac;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Client-policy executor {@code apiguard-scope-policy}; see {@link ScopePolicyExecutor}. */
public final class ScopePolicyExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-scope-policy";

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new ScopePolicyExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return ScopePolicyExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: attribute-based scope policies (ABAC) at the token endpoint. Decides every scope of a token "
                + "(code exchange, refresh, client credentials, device grant, CIBA, token exchange) with the realm's "
                + "policy document "
                + "(/admin/realms/{realm}/apiguard/v1/policies): a denied scope is dropped from the tokens or the request "
                + "is refused with invalid_scope, as the deciding policy says. No document: no effect. Its place in a "
                + "profile relative to apiguard-admin-step-up does not matter. No options.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
