package dev.apiguard.keycloak.clientguard;

import java.util.Set;

/**
 * The clients through which administrators and users manage Keycloak itself: the ones Keycloak
 * creates in every realm, and in the master realm the management client of each realm
 * ({@code <realm>-realm}). The baseline never applies to them, so it cannot lock operators out.
 */
public final class OperatorClients {

    private static final Set<String> EVERY_REALM = Set.of(
            "security-admin-console", "admin-cli", "account", "account-console", "broker", "realm-management");

    private OperatorClients() {
    }

    public static boolean isOperatorClient(String realmName, String clientId) {
        if (EVERY_REALM.contains(clientId)) {
            return true;
        }
        return "master".equals(realmName) && clientId.endsWith("-realm");
    }
}
