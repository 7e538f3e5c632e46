package dev.apiguard.keycloak.stepup;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
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
                .filter(scope -> "true".equalsIgnoreCase(scope.getAttribute(ADMIN_ATTRIBUTE)))
                .forEach(scope -> scopes.put(scope.getName(), adminScope(realm, scope)));
        return scopes;
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
