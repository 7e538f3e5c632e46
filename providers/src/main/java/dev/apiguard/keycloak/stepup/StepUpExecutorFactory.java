package dev.apiguard.keycloak.stepup;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Client-policy executor {@code apiguard-admin-step-up}; see {@link StepUpExecutor}. */
public final class StepUpExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-admin-step-up";

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new StepUpExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return StepUpExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: MFA step-up for administrative client scopes (attribute apiguard.admin=true; acr in "
                + "apiguard.admin.acr, default mfa; freshness in apiguard.admin.max-age, default 300 s). Asks for the "
                + "second factor at the authorization endpoint even on an SSO session, drops the scope from every token "
                + "response (code exchange, refresh, device grant, CIBA, and the password and implicit grants where a "
                + "realm allows them) unless the session reached the level within the max age, refuses token exchange "
                + "for it, and keeps it from service accounts unless the client sets "
                + "apiguard.admin.service-account=true. "
                + "Its place in a profile relative to apiguard-scope-policy does not matter. No options.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
