/**
 * The adapter to Keycloak's internals: the only package of API Guard that uses Keycloak code
 * outside its public API. Public API here means every type of {@code keycloak-core},
 * {@code keycloak-common} and {@code keycloak-server-spi}, plus the few SPI types of
 * {@code keycloak-server-spi-private} and {@code keycloak-services} that an extension must
 * implement or receive to plug in (listed, with the reason for each, in the test
 * {@code KeycloakInternalsRule}, which fails the build when another package uses anything else).
 *
 * <p>What is here, and why it cannot be public SPI:
 * <ul>
 *   <li>{@link dev.apiguard.keycloak.kc.IssuedTokens}: the token response Keycloak is building
 *       ({@code TokenManager.AccessTokenResponseBuilder}) and the one place that applies every
 *       scope decision to it;</li>
 *   <li>{@link dev.apiguard.keycloak.kc.TokenExchangeRequest},
 *       {@link dev.apiguard.keycloak.kc.PolicyContexts}: the client-policy event contexts
 *       (keycloak-services classes), unwrapped into public types;</li>
 *   <li>{@link dev.apiguard.keycloak.kc.AdminAccess}, {@link dev.apiguard.keycloak.kc.AdminEvents}:
 *       admin permissions and admin events ({@code AdminPermissionEvaluator},
 *       {@code AdminEventBuilder});</li>
 *   <li>{@link dev.apiguard.keycloak.kc.RealmLock}: the realm's JPA row lock and the realm cache's
 *       invalidation; {@link dev.apiguard.keycloak.kc.Cluster}: once-per-cluster execution;</li>
 *   <li>{@link dev.apiguard.keycloak.kc.ErrorPages}, {@link dev.apiguard.keycloak.kc.LoginSessions}:
 *       the login theme's error page and the login in progress (rate limiting);</li>
 *   <li>{@link dev.apiguard.keycloak.kc.CachingClientPolicyManagerFactory}: Keycloak's internal
 *       client-policy manager SPI; an adopted realm's policies parsed once per version instead of
 *       on every client-policy event;</li>
 *   <li>{@link dev.apiguard.keycloak.kc.Models}, {@link dev.apiguard.keycloak.kc.Logins},
 *       {@link dev.apiguard.keycloak.kc.Acr}: model utilities, the login's client scopes, the
 *       acr-to-level map.</li>
 * </ul>
 * A Keycloak upgrade that changes an internal breaks this package only.
 */
package dev.apiguard.keycloak.kc;
