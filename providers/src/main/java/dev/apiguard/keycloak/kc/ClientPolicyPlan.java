package dev.apiguard.keycloak.kc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.component.JsonConfigComponentModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyMode;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.util.JsonSerialization;

/**
 * One realm's client policies and profiles, parsed once per version of the realm's two JSON
 * attributes: what Keycloak's {@code ClientPoliciesUtil} re-parses and re-resolves on every
 * client-policy event (see {@link CachingClientPolicyManager}).
 *
 * <p>Immutable and shared between threads. It holds what Keycloak derives from the JSON (policy
 * names, modes, the condition and executor component models with their component ids, the
 * profile each name resolves to) and, for API Guard's own providers and the Keycloak providers of
 * {@link #READ_ONLY_KEYCLOAK_PROVIDERS}, the converted configuration object: those never write it
 * after Jackson builds it. Other Keycloak providers get a configuration converted from the JSON on
 * every event, as Keycloak does it.
 */
final class ClientPolicyPlan {

    private static final Logger LOG = Logger.getLogger(ClientPolicyPlan.class);
    /** Provider ids of API Guard: they treat their configuration as read-only. */
    private static final String OWN_PREFIX = "apiguard-";

    /**
     * Keycloak's providers whose configuration is read-only too (checked in the sources of 26.7.0:
     * {@code setupConfiguration} keeps the object, nothing writes it), the ones API Guard's baseline
     * profile and policy name. Others, such as {@code secure-request-object} and
     * {@code secure-signing-algorithm} (their {@code setupConfiguration} writes defaults into the
     * object), get a fresh configuration on every event, as Keycloak does it.
     */
    static final Set<String> READ_ONLY_KEYCLOAK_PROVIDERS = Set.of(
            "pkce-enforcer",
            "reject-implicit-grant",
            "reject-ropc-grant",
            "secure-redirect-uris-enforcer",
            "any-client");

    /**
     * Executors that never act on {@code PRE_TOKEN_REQUEST}, the event Keycloak sends before it
     * redeems an authorization code. Keycloak's were checked in the sources of 26.7.0 (their
     * {@code executeOnEvent} has no case for it; of Keycloak's executors only
     * {@code dpop-bind-enforcer} acts on it); API Guard's act only on the events their
     * {@code executeOnEvent} names (ClientPolicyPlanTest sends them this event). A policy whose
     * profiles hold only these is not evaluated for that event: its conditions would decide nothing,
     * and one of them, the operator-client condition, would make Keycloak resolve the client from the
     * code (its user and client session) before the grant does.
     */
    static final Set<String> INERT_ON_PRE_TOKEN_REQUEST = Set.of(
            "apiguard-client-guard",
            "apiguard-token-policy",
            "apiguard-pkce-challenge-reuse",
            "apiguard-refresh-token-reuse",
            "apiguard-scope-policy",
            "apiguard-admin-step-up",
            "pkce-enforcer",
            "reject-implicit-grant",
            "reject-ropc-grant",
            "secure-redirect-uris-enforcer");

    /** Where a provider's component model and configuration come from. */
    static final class Component {
        final String providerId;
        final JsonNode config;
        final JsonConfigComponentModel model;
        private final boolean shareConfiguration;
        private final AtomicReference<Object> configuration = new AtomicReference<>();
        /**
         * The events this executor acts on, from its factory ({@link HandledEvents}); every event
         * for an executor whose factory does not say (Keycloak's own) or is not deployed. Looked
         * up once per plan.
         */
        private volatile Set<ClientPolicyEvent> handledEvents;

        Component(
                Class<? extends org.keycloak.provider.Provider> type,
                String realmId,
                String providerId,
                JsonNode config) {
            this.providerId = providerId;
            this.config = config;
            // Same id as Keycloak's (realm, type, provider, configuration hash): the session's
            // provider cache and the component-factory cache see the same components either way.
            this.model = new JsonConfigComponentModel(type, realmId, providerId, config);
            this.shareConfiguration = providerId != null
                    && (providerId.startsWith(OWN_PREFIX) || READ_ONLY_KEYCLOAK_PROVIDERS.contains(providerId));
        }

        /** Whether the executor of this component acts on {@code event}: if not, it need not be created or called. */
        boolean handles(ClientPolicyEvent event, KeycloakSessionFactory factories) {
            Set<ClientPolicyEvent> events = handledEvents;
            if (events == null) {
                ProviderFactory<?> factory =
                        factories.getProviderFactory(ClientPolicyExecutorProvider.class, providerId);
                events = EnumSet.allOf(ClientPolicyEvent.class);
                if (factory instanceof HandledEvents declared) {
                    events.retainAll(declared.handledEvents());
                }
                handledEvents = events;
            }
            return events.contains(event);
        }

        /** Whether the provider is known never to change its configuration: it can be configured once per session. */
        boolean sharesConfiguration() {
            return shareConfiguration;
        }

        /** The configuration for {@code type}: shared for providers known to leave it unchanged, fresh for others. */
        Object configuration(Class<?> type) {
            if (!shareConfiguration) {
                return JsonSerialization.mapper.convertValue(config, type);
            }
            Object cached = configuration.get();
            if (cached != null && cached.getClass() == type) {
                return cached;
            }
            Object converted = JsonSerialization.mapper.convertValue(config, type);
            configuration.set(converted);
            return converted;
        }
    }

    /** An enabled policy, as Keycloak's {@code ClientPolicy} model holds it. */
    record Policy(String name, ClientPolicyMode mode, List<Component> conditions, List<String> profiles) {}

    private final String policiesJson;
    private final String profilesJson;
    private final Object globalPolicies;
    private final Object globalProfiles;
    private final List<Policy> policies;
    private final Map<String, List<Component>> profiles;
    /** Keycloak throws this (as a {@code ClientPolicyException}) when an applied policy needs the profiles. */
    private final String profilesError;
    /** The policies none of whose executors acts on {@code PRE_TOKEN_REQUEST} ({@link #INERT_ON_PRE_TOKEN_REQUEST}). */
    private final Set<Policy> inertOnPreTokenRequest;

    private ClientPolicyPlan(
            String policiesJson,
            String profilesJson,
            Object globalPolicies,
            Object globalProfiles,
            List<Policy> policies,
            Map<String, List<Component>> profiles,
            String profilesError) {
        this.policiesJson = policiesJson;
        this.profilesJson = profilesJson;
        this.globalPolicies = globalPolicies;
        this.globalProfiles = globalProfiles;
        this.policies = policies;
        this.profiles = profiles;
        this.profilesError = profilesError;
        Set<Policy> inert = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Policy policy : policies) {
            if (profilesError == null
                    && executorsOf(policy).allMatch(e -> INERT_ON_PRE_TOKEN_REQUEST.contains(e.providerId))) {
                inert.add(policy);
            }
        }
        this.inertOnPreTokenRequest = inert;
    }

    private Stream<Component> executorsOf(Policy policy) {
        return policy.profiles().stream()
                .map(profiles::get)
                .filter(Objects::nonNull)
                .flatMap(List::stream);
    }

    /**
     * Whether evaluating {@code policy} for a {@code PRE_TOKEN_REQUEST} changes nothing: every
     * executor of its profiles ignores that event, so Keycloak's manager would evaluate its
     * conditions and call executors that return at once.
     */
    boolean inertOnPreTokenRequest(Policy policy) {
        return inertOnPreTokenRequest.contains(policy);
    }

    /** Whether this plan was built from exactly these attribute values and global lists. */
    boolean builtFrom(String policies, String profiles, Object globalPolicies, Object globalProfiles) {
        return this.globalPolicies == globalPolicies
                && this.globalProfiles == globalProfiles
                && same(this.policiesJson, policies)
                && same(this.profilesJson, profiles);
    }

    private static boolean same(String a, String b) {
        return a == b || (a != null && a.equals(b));
    }

    List<Policy> policies() {
        return policies;
    }

    /** The executors of the profile Keycloak would resolve for {@code name}, or null if none. */
    List<Component> profile(String name) {
        return profiles.get(name);
    }

    String profilesError() {
        return profilesError;
    }

    /** Whether the realm adopted API Guard: one of its policies or profiles names an API Guard provider. */
    static boolean adopted(String policiesJson, String profilesJson) {
        return (profilesJson != null && profilesJson.contains("\"" + OWN_PREFIX))
                || (policiesJson != null && policiesJson.contains("\"" + OWN_PREFIX));
    }

    /**
     * Builds the plan the way {@code ClientPoliciesUtil.getEnabledClientPolicies} and {@code
     * getClientProfileModel} read the same inputs: global policies first, then the realm's;
     * policies without a name or not enabled are left out; a profile name resolves to the realm's
     * profile of that name before a global one.
     *
     * @throws IllegalArgumentException where Keycloak would fail on events (an unknown mode, a
     *     condition or executor without configuration): the caller then leaves the realm to
     *     Keycloak's own manager, which fails the same way
     */
    static ClientPolicyPlan build(
            String realmId,
            String realmName,
            String policiesJson,
            String profilesJson,
            List<ClientPolicyRepresentation> globalPolicies,
            List<ClientProfileRepresentation> globalProfiles) {
        List<ClientPolicyRepresentation> policyReps = new ArrayList<>(globalPolicies);
        boolean policiesReadable = true;
        if (policiesJson != null) {
            try {
                List<ClientPolicyRepresentation> realmPolicies = JsonSerialization.readValue(
                                policiesJson, ClientPoliciesRepresentation.class)
                        .getPolicies();
                if (realmPolicies != null) {
                    policyReps.addAll(realmPolicies);
                }
            } catch (IOException e) {
                // Keycloak logs this on every event and applies no policy at all.
                LOG.warnf(
                        "Realm '%s': its client policies cannot be read (%s); no client policy applies",
                        realmName, e.getClass().getSimpleName());
                policiesReadable = false;
            }
        }
        List<Policy> policies = new ArrayList<>();
        if (policiesReadable) {
            for (ClientPolicyRepresentation rep : policyReps) {
                if (rep.getName() == null || rep.isEnabled() == null || !rep.isEnabled()) {
                    continue;
                }
                ClientPolicyMode mode = rep.getMode() == null
                        ? ClientPolicyMode.DEFAULT
                        : Enum.valueOf(ClientPolicyMode.class, rep.getMode().toUpperCase(Locale.ROOT));
                List<Component> conditions = new ArrayList<>();
                if (rep.getConditions() != null) {
                    for (ClientPolicyConditionRepresentation condition : rep.getConditions()) {
                        conditions.add(new Component(
                                ClientPolicyConditionProvider.class,
                                realmId,
                                condition.getConditionProviderId(),
                                condition.getConfiguration()));
                    }
                }
                List<String> profileNames = rep.getProfiles() == null ? List.of() : List.copyOf(rep.getProfiles());
                policies.add(new Policy(rep.getName(), mode, List.copyOf(conditions), profileNames));
            }
        }

        Map<String, List<Component>> profiles = new LinkedHashMap<>();
        String profilesError = null;
        List<ClientProfileRepresentation> profileReps = new ArrayList<>();
        if (profilesJson != null) {
            try {
                List<ClientProfileRepresentation> realmProfiles = JsonSerialization.readValue(
                                profilesJson, ClientProfilesRepresentation.class)
                        .getProfiles();
                if (realmProfiles != null) {
                    profileReps.addAll(realmProfiles);
                }
            } catch (IOException e) {
                profilesError = e.getMessage();
            }
        }
        profileReps.addAll(globalProfiles);
        for (ClientProfileRepresentation rep : profileReps) {
            if (rep.getName() == null || profiles.containsKey(rep.getName())) {
                continue; // Keycloak takes the first profile of a name
            }
            List<Component> executors = new ArrayList<>();
            if (rep.getExecutors() != null) {
                for (ClientPolicyExecutorRepresentation executor : rep.getExecutors()) {
                    executors.add(new Component(
                            ClientPolicyExecutorProvider.class,
                            realmId,
                            executor.getExecutorProviderId(),
                            executor.getConfiguration()));
                }
            }
            profiles.put(rep.getName(), List.copyOf(executors));
        }
        return new ClientPolicyPlan(
                policiesJson,
                profilesJson,
                globalPolicies,
                globalProfiles,
                List.copyOf(policies),
                Map.copyOf(profiles),
                profilesError);
    }
}
