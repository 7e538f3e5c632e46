package dev.apiguard.keycloak.pkce;

import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.PolicyContexts;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * At each authorization request with a {@code code_challenge}, remembers the challenge for the
 * client for the configured window (at least the realm's code lifetime) and, when the same
 * challenge comes again within it, refuses the request with {@code invalid_request} (the
 * authorization endpoint redirects that error to the client) or, in record mode, lets it pass.
 * Either way there is a {@code LOGIN_ERROR} event naming realm and client: on refusal Keycloak's own,
 * with error {@code invalid_request} and details {@code reason=client_policy_error},
 * {@code client_policy_error_detail} = {@link #DETAIL}; in record mode this executor's, with error
 * {@value #ERROR} and detail {@code apiguard_action=recorded}. The challenge itself appears nowhere.
 */
final class ChallengeReuseExecutor implements ClientPolicyExecutorProvider<ChallengeReuseConfiguration> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): authorization requests.
     */
    static final Set<ClientPolicyEvent> EVENTS =
            Collections.unmodifiableSet(EnumSet.of(ClientPolicyEvent.AUTHORIZATION_REQUEST));

    static final String ERROR = "pkce_challenge_reused";
    static final String DETAIL = "Invalid parameter: code_challenge was already used by this client; "
            + "generate a new code_verifier for every authorization request (RFC 7636 4.1)";

    private static final Logger LOG = Logger.getLogger(ChallengeReuseExecutor.class);

    private final KeycloakSession session;
    private ChallengeReuseConfiguration configuration = new ChallengeReuseConfiguration();

    ChallengeReuseExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void setupConfiguration(ChallengeReuseConfiguration config) {
        this.configuration = config == null ? new ChallengeReuseConfiguration() : config;
    }

    @Override
    public Class<ChallengeReuseConfiguration> getExecutorConfigurationClass() {
        return ChallengeReuseConfiguration.class;
    }

    @Override
    public String getProviderId() {
        return ChallengeReuseExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (!EVENTS.contains(context.getEvent())) {
            return;
        }
        PolicyContexts.AuthorizationRequest request =
                PolicyContexts.authorizationRequest(context).orElse(null);
        if (request == null) {
            return;
        }
        String challenge = request.codeChallenge();
        if (challenge == null || challenge.isEmpty()) {
            return; // pkce-enforcer refuses a request without a challenge
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = request.client();
        int window;
        ChallengeReuseConfiguration.Action action;
        try {
            window = Math.max(configuration.windowSecondsOrDefault(), realm.getAccessCodeLifespan());
            action = configuration.actionOrDefault();
        } catch (IllegalArgumentException e) {
            // Fail closed on a configuration that slipped past validation.
            LOG.errorf(
                    "Executor %s in realm '%s' has an invalid configuration: %s",
                    getProviderId(), realm.getName(), e.getMessage());
            throw new ClientPolicyException(
                    OAuthErrorException.SERVER_ERROR, "Invalid configuration of " + getProviderId());
        }
        String key = ChallengeReuseKey.of(realm.getId(), client.getClientId(), challenge);
        if (session.singleUseObjects().putIfAbsent(key, window)) {
            return;
        }
        LOG.warnf(
                "PKCE code_challenge reused by client '%s' in realm '%s' within %d s (action: %s)",
                client.getClientId(), realm.getName(), window, action);
        if (action == ChallengeReuseConfiguration.Action.RECORD) {
            new EventBuilder(realm, session, session.getContext().getConnection())
                    .event(EventType.LOGIN)
                    .client(client)
                    .detail(Details.REASON, ERROR)
                    .detail("apiguard_action", "recorded")
                    .detail(Details.REDIRECT_URI, request.redirectUri())
                    .error(ERROR);
            return;
        }
        throw new ClientPolicyException(OAuthErrorException.INVALID_REQUEST, DETAIL);
    }
}
