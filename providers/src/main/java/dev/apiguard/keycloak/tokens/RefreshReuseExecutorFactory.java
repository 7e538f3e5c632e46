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

/** Client-policy executor {@code apiguard-refresh-token-reuse}; see {@link RefreshReuseExecutor}. */
public final class RefreshReuseExecutorFactory
        implements ClientPolicyExecutorProviderFactory,
                StatelessProviderFactory<ClientPolicyExecutorProvider>,
                HandledEvents {

    public static final String PROVIDER_ID = "apiguard-refresh-token-reuse";

    static final String CLIENTS_HELP =
            "Which clients a reused refresh token revokes the session for: 'public' (default; "
                    + "confidential FAPI clients may keep non-rotating refresh tokens) or 'all'. Blank means public.";

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = List.of(clientsProperty());

    private static ProviderConfigProperty clientsProperty() {
        ProviderConfigProperty property = new ProviderConfigProperty(
                "clients", "Clients", CLIENTS_HELP, ProviderConfigProperty.LIST_TYPE, "public");
        property.setOptions(List.of("public", "all"));
        return property;
    }

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new RefreshReuseExecutor(session);
    }

    @Override
    public Set<ClientPolicyEvent> handledEvents() {
        return RefreshReuseExecutor.EVENTS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: refresh-token reuse detection (RFC 9700 4.14). In a realm that rotates refresh tokens "
                + "(Revoke Refresh Token on), a refresh token presented again revokes the whole login session: "
                + "invalid_grant, and every token of the session stops refreshing and introspects inactive.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }
}
