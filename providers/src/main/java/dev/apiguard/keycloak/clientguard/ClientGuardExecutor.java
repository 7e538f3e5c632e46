package dev.apiguard.keycloak.clientguard;

import dev.apiguard.keycloak.common.ClientMetadataRefusal;
import dev.apiguard.keycloak.kc.HandledEvents;
import dev.apiguard.keycloak.kc.Logins;
import dev.apiguard.keycloak.kc.PolicyContexts;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Refuses, at client creation and update, a client that would break the baseline
 * ({@link ClientGuardRules}), with {@code invalid_client_metadata} and a description that names
 * every offending field; nothing is saved, as Keycloak runs client policies before it writes. At
 * the authorization endpoint, refuses a {@code redirect_uri} that is not registered exactly
 * ({@code invalid_request}, shown as an error page), which closes the wildcard and prefix matches
 * a client registered before the baseline may still have. Also at the authorization endpoint, and
 * first in the baseline profile so that Keycloak's executors after it never see such a request:
 * <ul>
 *   <li>a request without {@code redirect_uri} is refused with {@code invalid_request} (Keycloak
 *       26.7's {@code secure-redirect-uris-enforcer} would throw a NullPointerException on it,
 *       a 500; see docs/known-issues.md);</li>
 *   <li>a standard parameter ({@code state}, {@code scope}, {@code nonce}, ...) longer than
 *       Keycloak's limit for it is refused with {@code invalid_request}, at the authorization
 *       endpoint and at the pushed-authorization-request endpoint; Keycloak itself would drop
 *       the parameter silently and go on without it, e.g. answer the client without its
 *       {@code state}.</li>
 * </ul>
 */
final class ClientGuardExecutor
        implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    /**
     * The events this executor acts on, declared to API Guard's client-policy manager ({@link
     * HandledEvents}): client registrations and updates, authorization requests (before the client
     * lookup) and pushed authorization requests.
     */
    static final Set<ClientPolicyEvent> EVENTS = Collections.unmodifiableSet(EnumSet.of(
            ClientPolicyEvent.REGISTER,
            ClientPolicyEvent.UPDATE,
            ClientPolicyEvent.PRE_AUTHORIZATION_REQUEST,
            ClientPolicyEvent.PUSHED_AUTHORIZATION_REQUEST));

    private static final Logger LOG = Logger.getLogger(ClientGuardExecutor.class);

    private final KeycloakSession session;

    ClientGuardExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return ClientGuardExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (!EVENTS.contains(context.getEvent())) {
            return;
        }
        switch (context.getEvent()) {
            case REGISTER, UPDATE -> check(PolicyContexts.clientChange(context).orElseThrow(), context.getEvent());
            case PRE_AUTHORIZATION_REQUEST -> {
                PolicyContexts.PreAuthorization request =
                        PolicyContexts.preAuthorization(context).orElseThrow();
                checkParameterLengths(request.parameters());
                checkExactRedirect(request);
            }
            case PUSHED_AUTHORIZATION_REQUEST ->
                checkParameterLengths(
                        PolicyContexts.pushedAuthorizationParameters(context).orElseThrow());
            default -> {
                // Other requests are enforced by the other executors of the baseline profile.
            }
        }
    }

    private void check(PolicyContexts.ClientChange context, ClientPolicyEvent event) throws ClientPolicyException {
        ClientRepresentation proposed = context.proposed();
        if (proposed == null) {
            return;
        }
        ClientModel target = context.target();
        Map<String, String> attributes = proposed.getAttributes();
        List<String> violations = ClientGuardRules.violations(
                codeFlowEnabled(proposed, target),
                attributes == null ? null : attributes.get(OIDCConfigAttributes.PKCE_CODE_CHALLENGE_METHOD),
                proposed.isImplicitFlowEnabled(),
                proposed.isDirectAccessGrantsEnabled(),
                proposed.getRedirectUris());
        if (!violations.isEmpty()) {
            String clientId = proposed.getClientId() != null
                    ? proposed.getClientId()
                    : target != null ? target.getClientId() : "(new client)";
            LOG.warnf(
                    "Client guard refused %s of client '%s' in realm '%s': %s",
                    event, clientId, session.getContext().getRealm().getName(), String.join("; ", violations));
            throw new ClientMetadataRefusal(violations);
        }
    }

    /**
     * Refuses, before any login page, a {@code redirect_uri} that a registered wildcard or prefix
     * would let through in Keycloak but that is not registered exactly. Keycloak shows an error
     * page for a refusal at this event: nothing is sent to the unverified URI.
     */
    private void checkExactRedirect(PolicyContexts.PreAuthorization context) throws ClientPolicyException {
        if (context.clientId() == null) {
            return; // Keycloak itself answers a missing client_id
        }
        RealmModel realm = session.getContext().getRealm();
        ClientModel client = realm.getClientByClientId(context.clientId());
        if (client == null) {
            return; // Keycloak answers an unknown client
        }
        String requested = context.parameters().getFirst(OAuth2Constants.REDIRECT_URI);
        if (requested == null) {
            if (client.isStandardFlowEnabled() || client.isImplicitFlowEnabled()) {
                // Keycloak's secure-redirect-uris-enforcer, after this executor, fails with a 500 on
                // such a request; OpenID Connect requires redirect_uri, and so does this baseline.
                LOG.infof(
                        "Refused an authorization request of client '%s' in realm '%s': no redirect_uri",
                        client.getClientId(), realm.getName());
                throw new ClientPolicyException(
                        OAuthErrorException.INVALID_REQUEST,
                        "Missing parameter: redirect_uri (required, also with request or request_uri)");
            }
            return; // Keycloak answers a client without a redirect-based flow
        }
        List<String> registered = new ArrayList<>();
        for (String uri : client.getRedirectUris()) {
            registered.add(resolve(uri, client.getRootUrl()));
        }
        if (!ClientGuardRules.matchesExactly(requested, registered)) {
            LOG.warnf(
                    "Refused an authorization request of client '%s' in realm '%s': redirect_uri is not registered exactly",
                    client.getClientId(), realm.getName());
            throw new ClientPolicyException(
                    OAuthErrorException.INVALID_REQUEST,
                    "Invalid parameter: redirect_uri (it must match a registered redirect URI exactly)");
        }
    }

    /**
     * Refuses a standard authorization parameter longer than Keycloak's limit for it, which
     * Keycloak would otherwise ignore (log and drop) and continue without.
     */
    private void checkParameterLengths(MultivaluedMap<String, String> parameters) throws ClientPolicyException {
        if (parameters == null || parameters.isEmpty()) {
            return;
        }
        ClientGuardRules.Oversized oversized =
                ClientGuardRules.oversizedParameter(parameters, Logins.parameterLimits(session));
        if (oversized != null) {
            LOG.infof(
                    "Refused an authorization request in realm '%s': parameter '%s' has %d characters, at most %d allowed",
                    session.getContext().getRealm().getName(), oversized.name(), oversized.length(), oversized.limit());
            throw new ClientPolicyException(
                    OAuthErrorException.INVALID_REQUEST,
                    "Invalid parameter: " + oversized.name() + " (" + oversized.length() + " characters, at most "
                            + oversized.limit() + " allowed)");
        }
    }

    private static String resolve(String uri, String rootUrl) {
        if (uri.startsWith("/") && rootUrl != null && !rootUrl.isBlank()) {
            return (rootUrl.endsWith("/") ? rootUrl.substring(0, rootUrl.length() - 1) : rootUrl) + uri;
        }
        return uri;
    }

    /** The code flow after the change: as proposed, else as it is, else Keycloak's default for a new client (on). */
    private static boolean codeFlowEnabled(ClientRepresentation proposed, ClientModel target) {
        if (Boolean.TRUE.equals(proposed.isBearerOnly())) {
            return false;
        }
        if (proposed.isStandardFlowEnabled() != null) {
            return proposed.isStandardFlowEnabled();
        }
        return target == null || target.isStandardFlowEnabled();
    }
}
