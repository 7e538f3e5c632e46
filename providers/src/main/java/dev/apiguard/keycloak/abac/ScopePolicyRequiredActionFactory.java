package dev.apiguard.keycloak.abac;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

/**
 * Required action {@code apiguard-scope-policy-login}; see {@link ScopePolicyRequiredAction}.
 * Keycloak only consults required actions registered in a realm. Opt-in per realm: the action is
 * registered (and enabled) only in a realm that adopts ABAC, when a realm is created or imported
 * with a policy document ({@value PolicyStore#ATTRIBUTE}), or when the admin API saves one. A realm
 * without a document keeps its required actions exactly as Keycloak made them.
 */
public final class ScopePolicyRequiredActionFactory implements RequiredActionFactory {

    public static final String PROVIDER_ID = "apiguard-scope-policy-login";

    private static final Logger LOG = Logger.getLogger(ScopePolicyRequiredActionFactory.class);

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new ScopePolicyRequiredAction(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "API Guard scope policies (ABAC) at login";
    }

    @Override
    public void init(Config.Scope config) {
        // No server options.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created && adopted(created.getCreatedRealm())) {
                ensureRegistered(created.getCreatedRealm());
            }
        });
    }

    /** Whether {@code realm} holds a policy document, i.e. has adopted ABAC. */
    static boolean adopted(RealmModel realm) {
        String document = realm.getAttribute(PolicyStore.ATTRIBUTE);
        return document != null && !document.isBlank();
    }

    /** Registers and enables the action in {@code realm} if it is not registered yet; an operator's disabling is kept. */
    public static void ensureRegistered(RealmModel realm) {
        if (realm.getRequiredActionProviderByAlias(PROVIDER_ID) != null) {
            return;
        }
        RequiredActionProviderModel model = new RequiredActionProviderModel();
        model.setAlias(PROVIDER_ID);
        model.setName("API Guard scope policies (ABAC) at login");
        model.setProviderId(PROVIDER_ID);
        model.setEnabled(true);
        model.setDefaultAction(false);
        model.setPriority(10);
        realm.addRequiredActionProvider(model);
        LOG.infof("Registered required action '%s' in realm '%s'", PROVIDER_ID, realm.getName());
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
