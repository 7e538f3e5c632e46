package dev.apiguard.keycloak.realmconfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Keycloak's own clients in a realm file that declares {@code clientScopes}. Keycloak creates its
 * built-in clients ({@code account}, {@code account-console}, {@code admin-cli},
 * {@code security-admin-console}, {@code broker}, {@code realm-management}) <em>before</em> it
 * imports the file's client scopes, and when the file declares client scopes it creates none of
 * its own: a built-in client the file does not declare ends up with no default client scope at
 * all. Its tokens then carry no {@code sub} (the {@code basic} scope), and the account console
 * answers "Something went wrong" after sign-in. Checked, only when the file declares {@code clientScopes}:
 * <ul>
 *   <li>every built-in client is declared in {@code clients} (it then gets the scopes it lists, or
 *       the realm's {@code defaultDefaultClientScopes});</li>
 *   <li>the default scopes a declared built-in client ends up with include {@code basic}, which
 *       puts {@code sub} into its tokens.</li>
 * </ul>
 */
final class BuiltInClientScopes {

    /** The clients Keycloak 26.7 creates in every realm other than master, in the order it creates them. */
    static final List<String> BUILT_IN_CLIENTS =
            List.of("account", "account-console", "admin-cli", "security-admin-console", "broker", "realm-management");

    /** Keycloak's client scope that maps {@code sub} (and {@code auth_time}) into tokens. */
    static final String SUBJECT_SCOPE = "basic";

    private BuiltInClientScopes() {}

    static List<String> problems(RealmRepresentation realm) {
        if (realm.getClientScopes() == null) {
            return List.of(); // Keycloak creates its default scopes and gives them to its clients
        }
        Map<String, ClientRepresentation> declared = new HashMap<>();
        if (realm.getClients() != null) {
            realm.getClients().forEach(client -> declared.put(client.getClientId(), client));
        }
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String clientId : BUILT_IN_CLIENTS) {
            ClientRepresentation client = declared.get(clientId);
            if (client == null) {
                missing.add(clientId);
                continue;
            }
            List<String> defaults = client.getDefaultClientScopes() != null
                    ? client.getDefaultClientScopes()
                    : realm.getDefaultDefaultClientScopes();
            if (defaults == null || !defaults.contains(SUBJECT_SCOPE)) {
                problems.add(String.format(
                        "clients[clientId=%s]: Keycloak's built-in client would get no '%s' default client scope "
                                + "(its tokens would carry no 'sub'): list '%s' in its defaultClientScopes%s",
                        clientId,
                        SUBJECT_SCOPE,
                        SUBJECT_SCOPE,
                        client.getDefaultClientScopes() == null
                                ? " or in the realm's defaultDefaultClientScopes"
                                : ""));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(
                    0,
                    String.format(
                            "clients: Keycloak's built-in clients %s are not declared; because the file declares clientScopes, "
                                    + "Keycloak would create them without any default client scope (no 'sub' in their tokens, "
                                    + "the account console fails after sign-in): declare each of %s in clients, "
                                    + "as a realm export does (see realm-config/apiguard-demo.json)",
                            missing, BUILT_IN_CLIENTS));
        }
        return problems;
    }
}
