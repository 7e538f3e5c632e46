/**
 * API Guard's administrative REST API: one extension of Keycloak's Admin REST API
 * ({@code AdminRealmResourceProvider}, id {@code apiguard}) served under
 * {@code /admin/realms/{realm}/apiguard/v1/...}.
 *
 * <p>Every endpoint is authorised by Keycloak's own admin permissions ({@code view-realm} to
 * read, {@code manage-realm} to change) through the {@code AdminPermissionEvaluator} that Keycloak
 * hands to the resource: no token is checked by hand here. Capabilities add their endpoints as
 * sub-resources of {@link dev.apiguard.keycloak.admin.ApiGuardAdminResource}.
 */
package dev.apiguard.keycloak.admin;
