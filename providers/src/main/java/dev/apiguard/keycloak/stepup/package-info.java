/**
 * MFA step-up for administrative scopes, at every grant path. A client scope marked administrative
 * ({@code apiguard.admin=true}) needs an authentication at a level ({@code apiguard.admin.acr},
 * default {@code mfa}, mapped through the realm's {@code acr.loa.map}) within a freshness
 * ({@code apiguard.admin.max-age}, default 300 s):
 * <ul>
 *   <li>at the authorization endpoint the request asks Keycloak's level-of-authentication flow for
 *       that level, so an existing single-factor SSO session is asked for the second factor;</li>
 *   <li>at the token endpoint (code, refresh) the scope is dropped from the tokens unless the
 *       session reached the level within the freshness; token exchange for it is refused;
 *       client credentials never carry it unless the client is allowed.</li>
 * </ul>
 * Plugs into the client-policy SPI (executor {@code apiguard-admin-step-up}); the second factor
 * itself is Keycloak's (OTP, with enrolment for users who have none).
 */
package dev.apiguard.keycloak.stepup;
