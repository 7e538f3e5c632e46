package dev.apiguard.keycloak.kc;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.common.Profile;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.securityprofile.SecurityProfileProvider;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.ClientPolicyMode;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * Keycloak's client-policy manager for realms that adopted API Guard, without re-reading the
 * realm's policies on every event.
 *
 * <p>Keycloak's {@code DefaultClientPolicyManager} parses the realm's client-policies and
 * client-profiles JSON attributes, builds a component model for every condition and executor and
 * converts each one's configuration on <em>every</em> client-policy event: several times per token
 * request (measured: about 5.5% of a grant's CPU in the demo realm, docs/benchmarks.md). This
 * manager evaluates the same policies in the same order with the same votes, modes, negative logic
 * and exceptions, from a {@link ClientPolicyPlan} parsed once per version of those attributes
 * (compared on every event, so a change made on any node applies at the next event, with no
 * invalidation message).
 *
 * <p>Opt-in per realm: a realm none of whose policies or profiles names an API Guard provider is
 * handed to Keycloak's own manager unchanged, as is every method other than {@link
 * #triggerOnEvent}. {@code --spi-client-policy-manager--provider=default} turns this manager off.
 */
final class CachingClientPolicyManager implements ClientPolicyManager {

    private final KeycloakSession session;
    private final ClientPolicyManager keycloak;
    private final Map<String, Object> plans;
    /**
     * The providers this session configured, per component of a plan whose provider never changes
     * its configuration ({@link ClientPolicyPlan.Component#sharesConfiguration}): a request's later
     * events (a token request and its response) use them as they are, with no second lookup and
     * configuration. Other providers are configured afresh on every event, as Keycloak's manager
     * does. A new plan has new components, so a changed policy never meets an old provider.
     */
    private final Map<ClientPolicyPlan.Component, Object> configured = new IdentityHashMap<>();

    /** A realm whose policies Keycloak's manager evaluates; cached per attribute version like a plan. */
    private record Delegated(String policiesJson, String profilesJson) {}

    CachingClientPolicyManager(KeycloakSession session, ClientPolicyManager keycloak, Map<String, Object> plans) {
        this.session = session;
        this.keycloak = keycloak;
        this.plans = plans;
    }

    @Override
    public void triggerOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        if (!Profile.isFeatureEnabled(Profile.Feature.CLIENT_POLICIES)) {
            return;
        }
        RealmModel realm = session.getContext().getRealm();
        ClientPolicyPlan plan = plan(realm);
        if (plan == null) {
            keycloak.triggerOnEvent(context);
            return;
        }
        boolean preTokenRequest = context.getEvent() == ClientPolicyEvent.PRE_TOKEN_REQUEST;
        for (ClientPolicyPlan.Policy policy : plan.policies()) {
            if (preTokenRequest && plan.inertOnPreTokenRequest(policy)) {
                continue;
            }
            if (satisfied(policy, context)) {
                execute(plan, policy, context);
            }
        }
    }

    /** The realm's plan, or null when Keycloak's manager evaluates this realm. */
    private ClientPolicyPlan plan(RealmModel realm) {
        String policiesJson = realm.getAttribute(Constants.CLIENT_POLICIES);
        String profilesJson = realm.getAttribute(Constants.CLIENT_PROFILES);
        Object cached = plans.get(realm.getId());
        if (cached instanceof Delegated delegated
                && same(delegated.policiesJson(), policiesJson)
                && same(delegated.profilesJson(), profilesJson)) {
            return null;
        }
        SecurityProfileProvider securityProfile = session.getProvider(SecurityProfileProvider.class);
        List<ClientPolicyRepresentation> globalPolicies = securityProfile.getDefaultClientPolicies();
        List<ClientProfileRepresentation> globalProfiles = securityProfile.getDefaultClientProfiles();
        if (cached instanceof ClientPolicyPlan plan
                && plan.builtFrom(policiesJson, profilesJson, globalPolicies, globalProfiles)) {
            return plan;
        }
        Object fresh;
        if (!ClientPolicyPlan.adopted(policiesJson, profilesJson)) {
            fresh = new Delegated(policiesJson, profilesJson);
        } else {
            try {
                fresh = ClientPolicyPlan.build(
                        realm.getId(), realm.getName(), policiesJson, profilesJson, globalPolicies, globalProfiles);
            } catch (IllegalArgumentException e) {
                // Keycloak's manager fails on these policies on every event; it keeps doing so.
                fresh = new Delegated(policiesJson, profilesJson);
            }
        }
        plans.put(realm.getId(), fresh);
        return fresh instanceof ClientPolicyPlan plan ? plan : null;
    }

    private static boolean same(String a, String b) {
        return a == b || (a != null && a.equals(b));
    }

    /** {@code DefaultClientPolicyManager.isSatisfied}, vote for vote. */
    private boolean satisfied(ClientPolicyPlan.Policy policy, ClientPolicyContext context)
            throws ClientPolicyException {
        if (policy.conditions().isEmpty()) {
            return false;
        }
        boolean satisfied = false;
        for (ClientPolicyPlan.Component component : policy.conditions()) {
            ClientPolicyConditionProvider<?> condition = condition(component);
            ClientPolicyVote vote = condition.applyPolicy(context);
            if (condition.isNegativeLogic()) {
                if (vote == ClientPolicyVote.YES) {
                    vote = ClientPolicyVote.NO;
                } else if (vote == ClientPolicyVote.NO) {
                    vote = ClientPolicyVote.YES;
                }
            }
            if (vote == ClientPolicyVote.ABSTAIN) {
                if (policy.mode() == ClientPolicyMode.STRICT) {
                    return false;
                }
                continue;
            }
            if (vote == ClientPolicyVote.NO) {
                return false;
            }
            satisfied = true;
        }
        return satisfied;
    }

    /** {@code DefaultClientPolicyManager.execute}: each profile of the policy, each executor in order. */
    private void execute(ClientPolicyPlan plan, ClientPolicyPlan.Policy policy, ClientPolicyContext context)
            throws ClientPolicyException {
        if (policy.profiles().isEmpty()) {
            return;
        }
        if (plan.profilesError() != null) {
            throw new ClientPolicyException(plan.profilesError());
        }
        for (String name : policy.profiles()) {
            List<ClientPolicyPlan.Component> executors = plan.profile(name);
            if (executors == null) {
                continue;
            }
            for (ClientPolicyPlan.Component component : executors) {
                if (component.handles(context.getEvent(), session.getKeycloakSessionFactory())) {
                    executor(component).executeOnEvent(context);
                }
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ClientPolicyConditionProvider<?> condition(ClientPolicyPlan.Component component) {
        if (configured.get(component) instanceof ClientPolicyConditionProvider<?> ready) {
            return ready;
        }
        ClientPolicyConditionProvider provider = session.getComponentProvider(
                ClientPolicyConditionProvider.class, component.model.getId(), factory -> component.model);
        if (provider == null) {
            throw new IllegalStateException("Condition with provider ID " + component.providerId + " not found");
        }
        provider.setupConfiguration((ClientPolicyConditionConfigurationRepresentation)
                component.configuration(provider.getConditionConfigurationClass()));
        if (component.sharesConfiguration()) {
            configured.put(component, provider);
        }
        return provider;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ClientPolicyExecutorProvider<?> executor(ClientPolicyPlan.Component component) {
        if (configured.get(component) instanceof ClientPolicyExecutorProvider<?> ready) {
            return ready;
        }
        ClientPolicyExecutorProvider provider = session.getComponentProvider(
                ClientPolicyExecutorProvider.class, component.model.getId(), factory -> component.model);
        if (provider == null) {
            throw new IllegalStateException("Executor with provider ID " + component.providerId + " not found");
        }
        provider.setupConfiguration((ClientPolicyExecutorConfigurationRepresentation)
                component.configuration(provider.getExecutorConfigurationClass()));
        if (component.sharesConfiguration()) {
            configured.put(component, provider);
        }
        return provider;
    }

    @Override
    public void setupClientPoliciesOnCreatedRealm(RealmModel realm) {
        keycloak.setupClientPoliciesOnCreatedRealm(realm);
    }

    @Override
    public void updateRealmModelFromRepresentation(RealmModel realm, RealmRepresentation rep) {
        keycloak.updateRealmModelFromRepresentation(realm, rep);
    }

    @Override
    public void updateClientProfiles(RealmModel realm, ClientProfilesRepresentation clientProfiles)
            throws ClientPolicyException {
        keycloak.updateClientProfiles(realm, clientProfiles);
    }

    @Override
    public ClientProfilesRepresentation getClientProfiles(RealmModel realm, boolean includeGlobalProfiles)
            throws ClientPolicyException {
        return keycloak.getClientProfiles(realm, includeGlobalProfiles);
    }

    @Override
    public void updateClientPolicies(RealmModel realm, ClientPoliciesRepresentation clientPolicies)
            throws ClientPolicyException {
        keycloak.updateClientPolicies(realm, clientPolicies);
    }

    @Override
    public ClientPoliciesRepresentation getClientPolicies(RealmModel realm, boolean includeGlobalPolicies)
            throws ClientPolicyException {
        return keycloak.getClientPolicies(realm, includeGlobalPolicies);
    }

    @Override
    public void updateRealmRepresentationFromModel(RealmModel realm, RealmRepresentation rep) {
        keycloak.updateRealmRepresentationFromModel(realm, rep);
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
