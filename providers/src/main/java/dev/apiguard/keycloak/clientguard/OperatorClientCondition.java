package dev.apiguard.keycloak.clientguard;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.context.ClientCRUDContext;
import org.keycloak.services.clientpolicy.context.ClientModelContext;
import org.keycloak.services.clientpolicy.context.PreAuthorizationRequestContext;

/**
 * Votes YES for the operator clients Keycloak creates in every realm ({@link OperatorClients}),
 * NO for every other client. The baseline policy uses it with negative logic: "every client but
 * the operators'".
 */
final class OperatorClientCondition extends AbstractClientPolicyConditionProvider<ClientPolicyConditionConfigurationRepresentation> {

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
        return OperatorClients.isOperatorClient(realm.getName(), clientId) ? ClientPolicyVote.YES : ClientPolicyVote.NO;
    }

    private String clientIdOf(ClientPolicyContext context) {
        if (context instanceof PreAuthorizationRequestContext pre) {
            return pre.getClientId();
        }
        if (context instanceof ClientCRUDContext crud) {
            ClientModel target = crud.getTargetClient();
            if (target != null) {
                return target.getClientId();
            }
            return crud.getProposedClientRepresentation() == null ? null : crud.getProposedClientRepresentation().getClientId();
        }
        if (context instanceof ClientModelContext withClient && withClient.getClient() != null) {
            return withClient.getClient().getClientId();
        }
        ClientModel current = session.getContext().getClient();
        return current == null ? null : current.getClientId();
    }
}
