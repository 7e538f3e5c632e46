package dev.apiguard.keycloak.pkce;

import dev.apiguard.keycloak.common.StatelessProviderFactory;
import dev.apiguard.keycloak.kc.HandledEvents;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Client-policy executor {@code apiguard-pkce-challenge-reuse}; see {@link ChallengeReuseExecutor}. */
public final class ChallengeReuseExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-pkce-challenge-reuse";

    static final String WINDOW_HELP = "Seconds a code_challenge is remembered per client. Default 600; 1 to 86400. "
            + "The realm's authorization-code lifetime is applied if it is longer. Blank means the default.";
    static final String ACTION_HELP = "What happens to an authorization request whose code_challenge the client "
            + "already sent within the window: 'refuse' (default) answers invalid_request and raises an event; "
            + "'record' lets it pass and raises an event. Blank means refuse.";

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = List.of(
            new ProviderConfigProperty(
                    "window-seconds",
                    "Window (seconds)",
                    WINDOW_HELP,
                    ProviderConfigProperty.STRING_TYPE,
                    String.valueOf(ChallengeReuseConfiguration.DEFAULT_WINDOW_SECONDS)),
            listProperty());

    private static ProviderConfigProperty listProperty() {
        ProviderConfigProperty property =
                new ProviderConfigProperty("action", "Action", ACTION_HELP, ProviderConfigProperty.LIST_TYPE, "refuse");
        property.setOptions(List.of("refuse", "record"));
        return property;
    }

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new ChallengeReuseExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return ChallengeReuseExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: detects static PKCE verifiers. An authorization request whose code_challenge the same "
                + "client already sent within the window is refused (or only recorded). The memory is Keycloak's "
                + "single-use store, shared by the nodes of a cluster; entries expire with the window.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }
}
