package dev.apiguard.keycloak.keys;

import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code /admin/realms/{realm}/apiguard/v1/keys}: the realm's key-rotation policy, keys and
 * schedule. {@code view-realm} reads, {@code manage-realm} changes (Keycloak answers 401 without
 * a token and 403 without the role). Errors are {@link ApiError}s:
 * {@code {"error": ..., "error_description": ..., "problems": [...]}}.
 */
public final class KeysResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    public KeysResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    /** The policy, the keys with their states, the schedule. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        return Response.ok(KeyRotationReport.of(session, realm)).build();
    }

    /**
     * Replaces the policy, atomically: a policy with any problem is refused with 400 and every
     * problem named, and the previous policy stays. Fields left out take the defaults.
     */
    @PUT
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm", session);
        if (refused != null) {
            return refused;
        }
        RotationPolicy policy;
        try {
            policy = RotationPolicy.parse(body);
        } catch (PolicyException e) {
            return invalidPolicy(e.problems());
        }
        AdminEvent requestEvent = auth.requestEvent();
        List<String> problems = KeyRotationEngine.underLock(
                session.getKeycloakSessionFactory(),
                realm.getId(),
                locked -> KeyEvents.ofAdministrator(locked.session(), locked.realm(), requestEvent),
                locked -> {
                    List<String> found = RetirementNeeds.of(locked.realm()).problems(policy);
                    if (found.isEmpty()) {
                        locked.realm().setAttribute(RotationPolicy.REALM_ATTRIBUTE, policy.toJsonString());
                    }
                    return found;
                });
        if (problems == null) {
            return realmGone();
        }
        if (!problems.isEmpty()) {
            return invalidPolicy(problems);
        }
        auth.realmUpdated(session, policy.toJson(), Map.of());
        return Response.ok(policy.toJson()).build();
    }

    /**
     * Rotate now: in every rotated family (or only {@code family}, e.g. {@code ES256} or
     * {@code ecdsa-generated/ES256}), the next key signs, created first when none is published.
     */
    @POST
    @Path("rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@QueryParam("family") String family) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm");
        if (refused != null) {
            return refused;
        }
        AdminEvent requestEvent = auth.requestEvent();
        List<KeyRotationEngine.Rotation> rotations;
        try {
            rotations = KeyRotationEngine.underLock(
                    session.getKeycloakSessionFactory(),
                    realm.getId(),
                    locked -> KeyEvents.ofAdministrator(locked.session(), locked.realm(), requestEvent),
                    locked -> KeyRotationEngine.rotateNow(locked, blankToNull(family)));
        } catch (PolicyException e) {
            return error(
                    Response.Status.CONFLICT,
                    "invalid_policy",
                    "the stored policy is unreadable: fix it with PUT first",
                    e.problems());
        }
        if (rotations == null) {
            return realmGone();
        }
        if (rotations.isEmpty()) {
            return error(
                    Response.Status.NOT_FOUND,
                    "family_not_found",
                    "no rotated key family to rotate",
                    List.of("no rotated key family " + (family == null ? "" : "'" + family + "' ") + "in this realm"));
        }
        List<Map<String, String>> body = new ArrayList<>();
        for (KeyRotationEngine.Rotation rotation : rotations) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("family", rotation.family());
            entry.put("previousKid", rotation.previousKid());
            entry.put("activeKid", rotation.activeKid());
            body.add(entry);
        }
        return Response.ok(
                        Map.of(
                                "rotated",
                                body,
                                "expect",
                                "New tokens carry the new kid. Tokens signed before keep verifying until the previous key's retirement ends."))
                .build();
    }

    /**
     * Emergency revoke: the key leaves the realm at once. If it was signing, another key signs at
     * once. The answer says what clients must expect.
     */
    @POST
    @Path("{kid}/revoke")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@PathParam("kid") String kid) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm");
        if (refused != null) {
            return refused;
        }
        AdminEvent requestEvent = auth.requestEvent();
        Optional<KeyRotationEngine.Revocation> revocation = KeyRotationEngine.underLock(
                session.getKeycloakSessionFactory(),
                realm.getId(),
                locked -> KeyEvents.ofAdministrator(locked.session(), locked.realm(), requestEvent),
                locked -> KeyRotationEngine.revoke(locked, kid));
        if (revocation == null || revocation.isEmpty()) {
            return error(
                    Response.Status.NOT_FOUND,
                    "key_not_found",
                    "no rotated key with this kid in this realm",
                    List.of());
        }
        KeyRotationEngine.Revocation done = revocation.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revokedKid", done.kid());
        body.put("family", done.family());
        body.put("previousState", done.previousState().label());
        if (done.activeKid() != null) {
            body.put("activeKid", done.activeKid());
        }
        body.put("expect", expectations(done.kind()));
        return Response.ok(body).build();
    }

    private static List<String> expectations(KeyKind kind) {
        if (kind == KeyKind.SIGNING) {
            return List.of(
                    "The key is no longer in the realm's JWKS: resource servers that refetch the JWKS reject every token it signed.",
                    "Keycloak no longer verifies those tokens: introspection answers active=false, userinfo refuses them.",
                    "Resource servers that cached the JWKS keep trusting the key until they refetch it: have them refetch now.",
                    "Clients get new tokens, signed by the active key, at their next token request.");
        }
        return List.of(
                "Refresh tokens, offline tokens and action tokens signed by the key are refused (invalid_grant): users and clients must sign in again.",
                "SSO cookies signed by the key no longer restore a session: users sign in again in the browser.");
    }

    private static Response invalidPolicy(List<String> problems) {
        return error(
                Response.Status.BAD_REQUEST,
                "invalid_policy",
                ApiError.describe("the key-rotation policy", problems),
                problems);
    }

    /** The realm was removed while the request waited for its lock. */
    private static Response realmGone() {
        return error(Response.Status.NOT_FOUND, ApiError.NOT_FOUND, "the realm no longer exists", List.of());
    }

    private static Response error(Response.Status status, String error, String description, List<String> problems) {
        return ApiError.response(status, error, description, problems);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
