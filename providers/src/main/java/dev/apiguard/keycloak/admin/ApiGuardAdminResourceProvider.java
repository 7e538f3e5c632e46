package dev.apiguard.keycloak.admin;

import dev.apiguard.keycloak.kc.AdminAccess;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Hands Keycloak the root JAX-RS resource of API Guard's admin API for one request; the two
 * internal objects Keycloak passes go straight into {@link AdminAccess}.
 */
final class ApiGuardAdminResourceProvider implements AdminRealmResourceProvider {

    @Override
    public Object getResource(
            KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new ApiGuardAdminResource(session, realm, AdminAccess.of(auth, adminEvent));
    }

    @Override
    public void close() {
        // Nothing held per request.
    }
}
