package dev.apiguard.keycloak.clientguard;

import dev.apiguard.keycloak.common.BaselinePolicies;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProviderFactory;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;

/** Client-policy condition {@code apiguard-operator-client}; see {@link OperatorClients}. */
public final class OperatorClientConditionFactory extends AbstractClientPolicyConditionProviderFactory {

    public static final String PROVIDER_ID = BaselinePolicies.OPERATOR_CLIENT_CONDITION;

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES;

    static {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        addCommonConfigProperties(properties);
        CONFIG_PROPERTIES = List.copyOf(properties);
    }

    @Override
    public ClientPolicyConditionProvider<?> create(KeycloakSession session) {
        return new OperatorClientCondition(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "API Guard: satisfied by the operator clients Keycloak creates in every realm (security-admin-console, "
                + "admin-cli, account, account-console, broker, realm-management; in master also each <realm>-realm). "
                + "With Negative Logic on it matches every other client, as API Guard's baseline policy uses it.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }
}
