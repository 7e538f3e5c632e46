package dev.apiguard.keycloak.kc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.ClientPolicyManager;
import org.keycloak.services.clientpolicy.ClientPolicyManagerFactory;
import org.keycloak.services.clientpolicy.DefaultClientPolicyManager;

/**
 * Registers {@link CachingClientPolicyManager} as the server's client-policy manager: its {@link
 * #order()} is above Keycloak's {@code default} (0), so Keycloak picks it when no provider is
 * configured; {@code --spi-client-policy-manager--provider=default} picks Keycloak's again. Realms
 * that did not adopt API Guard are evaluated by Keycloak's own manager either way.
 */
public final class CachingClientPolicyManagerFactory implements ClientPolicyManagerFactory {

    public static final String PROVIDER_ID = "apiguard-cached";

    /** Realm id to its {@link ClientPolicyPlan} (or the note that Keycloak evaluates it): one entry per realm. */
    private final Map<String, Object> plans = new ConcurrentHashMap<>();

    /**
     * How this realm's client policies are evaluated on this server: {@code "cached-plan"} (this
     * manager, the realm adopted API Guard) or {@code "keycloak"} (Keycloak's manager).
     */
    public static String evaluation(KeycloakSession session, RealmModel realm) {
        boolean ours = session.getProvider(ClientPolicyManager.class) instanceof CachingClientPolicyManager;
        return ours
                        && ClientPolicyPlan.adopted(
                                realm.getAttribute(org.keycloak.models.Constants.CLIENT_POLICIES),
                                realm.getAttribute(org.keycloak.models.Constants.CLIENT_PROFILES))
                ? "cached-plan"
                : "keycloak";
    }

    @Override
    public ClientPolicyManager create(KeycloakSession session) {
        return new CachingClientPolicyManager(session, new DefaultClientPolicyManager(session), plans);
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmRemovedEvent removed) {
                plans.remove(removed.getRealm().getId());
            }
        });
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return List.of();
    }

    @Override
    public void close() {
        plans.clear();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
