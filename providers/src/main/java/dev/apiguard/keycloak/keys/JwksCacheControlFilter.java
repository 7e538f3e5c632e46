package dev.apiguard.keycloak.keys;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * Makes a realm's JWKS ({@code /realms/{realm}/protocol/openid-connect/certs}) advertise the
 * cache lifetime its rotation policy was checked against: {@code Cache-Control: max-age=<jwksMaxAge>}.
 *
 * <p>Keycloak 26.7 answers the JWKS with {@code Cache-Control: no-cache} here (its code falls back
 * to the theme's static {@code max-age}, 30 days, where that is configured): clients then pick
 * their own cache lifetime, often hours. The policy refuses a pre-publication shorter than
 * {@code jwksMaxAge}; this filter advertises exactly that lifetime, so the promise holds for every
 * client that honours {@code Cache-Control}.
 * Realms whose rotation is off keep Keycloak's header, and so do realms that have not adopted
 * rotation (no policy of their own, no server default policy). A JAX-RS filter in a provider JAR is
 * picked up by Keycloak since 24; the real-server tests check the header.
 */
@Provider
public final class JwksCacheControlFilter implements ContainerResponseFilter {

    private static final List<String> CERTS_PATH = List.of("protocol", "openid-connect", "certs");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 200 || !"GET".equals(request.getMethod())) {
            return;
        }
        List<PathSegment> segments = request.getUriInfo().getPathSegments();
        int size = segments.size();
        if (size < 5 || !"realms".equals(segments.get(size - 5).getPath())) {
            return;
        }
        for (int i = 0; i < CERTS_PATH.size(); i++) {
            if (!CERTS_PATH.get(i).equals(segments.get(size - 3 + i).getPath())) {
                return;
            }
        }
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        RealmModel realm = session == null ? null : session.getContext().getRealm();
        if (realm == null || !realm.getName().equals(segments.get(size - 4).getPath())) {
            return;
        }
        String value;
        try {
            RotationPolicy policy = KeyRotationEngine.policyOf(session, realm);
            if (!policy.enabled()) {
                return;
            }
            value = "max-age=" + policy.jwksMaxAge();
        } catch (PolicyException e) {
            // Unreadable policy: promise nothing rather than Keycloak's 30 days.
            value = "no-cache";
        }
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, value);
    }
}
