package dev.apiguard.keycloak.clientguard;

import java.util.Set;
import java.util.function.Predicate;
import org.keycloak.Config;
import org.keycloak.models.Constants;

/**
 * The clients through which administrators and users manage Keycloak itself: the ones Keycloak
 * creates in every realm, and in the master realm the management client of each realm that
 * exists ({@code <realm>-realm}, Keycloak's master admin client of that realm). The baseline never
 * applies to them, so it cannot lock operators out. Any other client of master whose id merely
 * ends in {@code -realm} is an ordinary client.
 */
public final class OperatorClients {

    private static final Set<String> EVERY_REALM = Set.of(
            Constants.ADMIN_CONSOLE_CLIENT_ID,
            Constants.ADMIN_CLI_CLIENT_ID,
            Constants.ACCOUNT_MANAGEMENT_CLIENT_ID,
            Constants.ACCOUNT_CONSOLE_CLIENT_ID,
            Constants.BROKER_SERVICE_CLIENT_ID,
            Constants.REALM_MANAGEMENT_CLIENT_ID);

    /**
     * The administration realm's name: fixed for the life of the server, and read from Keycloak's
     * configuration (a SmallRye lookup) only once, not on every client-policy event.
     */
    private static volatile String adminRealm;

    private OperatorClients() {}

    private static String adminRealm() {
        String name = adminRealm;
        if (name == null) {
            name = Config.getAdminRealm();
            adminRealm = name;
        }
        return name;
    }

    /**
     * @param managementClient whether a client id of master is the management client of a realm
     *        that exists (asked only in master, for ids ending in {@code -realm})
     */
    public static boolean isOperatorClient(String realmName, String clientId, Predicate<String> managementClient) {
        if (EVERY_REALM.contains(clientId)) {
            return true;
        }
        return clientId.endsWith("-realm") && adminRealm().equals(realmName) && managementClient.test(clientId);
    }
}
