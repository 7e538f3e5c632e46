package dev.apiguard.keycloak.stepup;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.RealmModel;

/**
 * The realm's administrative client scopes and what each needs. The defaults live here:
 * {@link #DEFAULT_ACR} and {@link #DEFAULT_MAX_AGE_SECONDS}.
 */
public final class AdminScopes {

    public static final String ADMIN_ATTRIBUTE = "apiguard.admin";
    public static final String ACR_ATTRIBUTE = "apiguard.admin.acr";
    public static final String MAX_AGE_ATTRIBUTE = "apiguard.admin.max-age";
    /** Client attribute that lets a client's service account carry administrative scopes. */
    public static final String SERVICE_ACCOUNT_ATTRIBUTE = "apiguard.admin.service-account";

    public static final String DEFAULT_ACR = "mfa";
    public static final int DEFAULT_MAX_AGE_SECONDS = 300;

    private static final Logger LOG = Logger.getLogger(AdminScopes.class);

    /** One administrative scope: the acr it needs and within how many seconds. */
    public record AdminScope(String name, String acr, int maxAgeSeconds) {}

    private AdminScopes() {}

    /** The realm's administrative scopes by name. An unreadable max age fails closed (0: never fresh). */
    public static Map<String, AdminScope> of(RealmModel realm) {
        Map<String, AdminScope> scopes = new LinkedHashMap<>();
        realm.getClientScopesStream()
                .filter(AdminScopes::isAdministrative)
                .forEach(scope -> scopes.put(scope.getName(), adminScope(realm, scope)));
        return scopes;
    }

    /**
     * The administrative scopes among {@code names}, each looked up first among {@code known}: the
     * client scopes Keycloak already loaded for the request (the token's client session context,
     * the client's assigned scopes). Only a name not among them, other than {@code openid}, makes
     * this read every client scope of the realm ({@link #of}), so a scope that reached a token some
     * other way is still found: the answer is always the one {@link #of} gives for these names.
     */
    public static Map<String, AdminScope> among(RealmModel realm, List<String> names, Stream<ClientScopeModel> known) {
        Map<String, ClientScopeModel> byName = new HashMap<>();
        known.forEach(scope -> byName.put(scope.getName(), scope));
        Map<String, AdminScope> scopes = new LinkedHashMap<>();
        Map<String, AdminScope> everyAdminScope = null;
        for (String name : names) {
            ClientScopeModel scope = byName.get(name);
            if (scope != null) {
                if (isAdministrative(scope)) {
                    scopes.put(name, adminScope(realm, scope));
                }
            } else if (!OAuth2Constants.SCOPE_OPENID.equals(name)) {
                if (everyAdminScope == null) {
                    everyAdminScope = of(realm);
                }
                AdminScope admin = everyAdminScope.get(name);
                if (admin != null) {
                    scopes.put(name, admin);
                }
            }
        }
        return scopes;
    }

    private static boolean isAdministrative(ClientScopeModel scope) {
        return "true".equalsIgnoreCase(scope.getAttribute(ADMIN_ATTRIBUTE));
    }

    private static AdminScope adminScope(RealmModel realm, ClientScopeModel scope) {
        String acr = scope.getAttribute(ACR_ATTRIBUTE);
        String rawMaxAge = scope.getAttribute(MAX_AGE_ATTRIBUTE);
        int maxAge = DEFAULT_MAX_AGE_SECONDS;
        if (rawMaxAge != null && !rawMaxAge.isBlank()) {
            try {
                maxAge = Integer.parseInt(rawMaxAge.trim());
            } catch (NumberFormatException e) {
                LOG.errorf(
                        "Client scope '%s' of realm '%s' has an invalid %s '%s': no authentication is fresh enough for it",
                        scope.getName(), realm.getName(), MAX_AGE_ATTRIBUTE, rawMaxAge);
                maxAge = 0;
            }
        }
        return new AdminScope(scope.getName(), acr == null || acr.isBlank() ? DEFAULT_ACR : acr.trim(), maxAge);
    }
}
