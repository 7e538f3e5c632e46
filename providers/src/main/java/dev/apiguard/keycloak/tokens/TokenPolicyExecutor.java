package dev.apiguard.keycloak.tokens;

import dev.apiguard.keycloak.common.ClientMetadataRefusal;
import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.PolicyContexts;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * At client creation and update: refuses what {@link TokenPolicyRules} forbids, with
 * {@code invalid_client_metadata} naming each attribute, and turns RFC 9068's {@code at+jwt}
 * header on when the request leaves it out.
 */
final class TokenPolicyExecutor
        implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): client registrations and updates.
     */
    static final Set<ClientPolicyEvent> EVENTS =
            Collections.unmodifiableSet(EnumSet.of(ClientPolicyEvent.REGISTER, ClientPolicyEvent.UPDATE));

    private static final Logger LOG = Logger.getLogger(TokenPolicyExecutor.class);

    private final KeycloakSession session;

    TokenPolicyExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return TokenPolicyExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (!EVENTS.contains(context.getEvent())) {
            return;
        }
        switch (context.getEvent()) {
            case REGISTER, UPDATE -> check(PolicyContexts.clientChange(context).orElseThrow(), context.getEvent());
            default -> {
                // Token lifetimes are applied by the apiguard-access-token-profile mapper at issue time.
            }
        }
    }

    private void check(PolicyContexts.ClientChange context, ClientPolicyEvent event) throws ClientPolicyException {
        ClientRepresentation proposed = context.proposed();
        if (proposed == null) {
            return;
        }
        RealmModel realm = session.getContext().getRealm();
        List<String> violations =
                TokenPolicyRules.violations(proposed.getAttributes(), RealmTokenSettings.realmCeiling(realm));
        if (!violations.isEmpty()) {
            ClientModel target = context.target();
            String clientId = proposed.getClientId() != null
                    ? proposed.getClientId()
                    : target != null ? target.getClientId() : "(new client)";
            LOG.warnf(
                    "Token policy refused %s of client '%s' in realm '%s': %s",
                    event, clientId, realm.getName(), String.join("; ", violations));
            throw new ClientMetadataRefusal(violations);
        }
        Map<String, String> attributes =
                proposed.getAttributes() == null ? new HashMap<>() : new HashMap<>(proposed.getAttributes());
        if (!attributes.containsKey(TokenPolicyRules.RFC9068_HEADER_ATTRIBUTE)) {
            attributes.put(TokenPolicyRules.RFC9068_HEADER_ATTRIBUTE, "true");
            proposed.setAttributes(attributes);
        }
    }
}
