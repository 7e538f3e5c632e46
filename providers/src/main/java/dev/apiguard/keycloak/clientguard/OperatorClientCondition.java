package dev.apiguard.keycloak.clientguard;

import dev.apiguard.keycloak.kc.PolicyContexts;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProvider;

/**
 * Votes YES for the operator clients Keycloak creates in every realm ({@link OperatorClients}),
 * NO for every other client. The baseline policy uses it with negative logic: "every client but
 * the operators'".
 */
final class OperatorClientCondition
        extends AbstractClientPolicyConditionProvider<ClientPolicyConditionConfigurationRepresentation> {

    OperatorClientCondition(KeycloakSession session) {
        super(session);
    }

    @Override
    public String getProviderId() {
        return OperatorClientConditionFactory.PROVIDER_ID;
    }

    @Override
    public ClientPolicyVote applyPolicy(ClientPolicyContext context) {
        String clientId = clientIdOf(context);
        if (clientId == null) {
            return ClientPolicyVote.ABSTAIN;
        }
        RealmModel realm = session.getContext().getRealm();
        return OperatorClients.isOperatorClient(realm.getName(), clientId, this::isManagementClientOfARealm)
                ? ClientPolicyVote.YES
                : ClientPolicyVote.NO;
    }

    /** Whether {@code clientId} (a client of master) is Keycloak's management client of an existing realm. */
    private boolean isManagementClientOfARealm(String clientId) {
        String realmName = clientId.substring(0, clientId.length() - "-realm".length());
        RealmModel managed = session.realms().getRealmByName(realmName);
        ClientModel managementClient = managed == null ? null : managed.getMasterAdminClient();
        return managementClient != null && clientId.equals(managementClient.getClientId());
    }

    private String clientIdOf(ClientPolicyContext context) {
        Optional<PolicyContexts.PreAuthorization> pre = PolicyContexts.preAuthorization(context);
        if (pre.isPresent()) {
            return pre.get().clientId();
        }
        Optional<PolicyContexts.ClientChange> change = PolicyContexts.clientChange(context);
        if (change.isPresent()) {
            ClientModel target = change.get().target();
            if (target != null) {
                return target.getClientId();
            }
            return change.get().proposed() == null
                    ? null
                    : change.get().proposed().getClientId();
        }
        Optional<ClientModel> withClient = PolicyContexts.client(context);
        if (withClient.isPresent()) {
            return withClient.get().getClientId();
        }
        ClientModel current = session.getContext().getClient();
        return current == null ? null : current.getClientId();
    }
}
