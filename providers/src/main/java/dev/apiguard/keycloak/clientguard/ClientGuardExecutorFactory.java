package dev.apiguard.keycloak.clientguard;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Client-policy executor {@code apiguard-client-guard}; see {@link ClientGuardRules}. */
public final class ClientGuardExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-client-guard";

    static final String HELP_TEXT = "API Guard: refuses to create or update a client that breaks the baseline, "
            + "naming each offending field: PKCE method other than S256 for a code-flow client, implicit flow on, "
            + "password grant (direct access grants) on, or a redirect URI that is relative, has a wildcard or a "
            + "fragment, or uses http anywhere but 127.0.0.1 or [::1] without a port. Values a request leaves "
            + "out are left to the auto-configuring executors after it. At the authorization endpoint, refuses a "
            + "redirect_uri that is not registered exactly (only a loopback port may differ). No options.";

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new ClientGuardExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return ClientGuardExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return HELP_TEXT;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
