package dev.apiguard.keycloak.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.common.RealmDocuments;
import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code /admin/realms/{realm}/apiguard/v1/rate-limits}: the realm's rate-limit document.
 * <ul>
 *   <li>{@code GET} ({@code view-realm}): the stored document as saved, its version in {@code ETag}; 404 if none;</li>
 *   <li>{@code PUT} ({@code manage-realm}): parse and compile, check that every client's tier
 *       attribute names a defined tier, then store (one realm attribute: atomic) and record an
 *       admin event; any problem answers 400 {@code invalid_rate_limit_document} with every
 *       problem, stores nothing, and the previous document stays in force;</li>
 *   <li>{@code POST validate} ({@code view-realm}): the same checks, nothing stored;</li>
 *   <li>{@code DELETE} ({@code manage-realm}): removes the document; the realm is no longer limited.</li>
 * </ul>
 * Keycloak authenticated the caller (401 otherwise); permissions are checked here (403).
 */
public final class RateLimitsResource {

    private static final Logger LOG = Logger.getLogger(RateLimitsResource.class);
    static final String INVALID = "invalid_rate_limit_document";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    public RateLimitsResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
        this.session = Objects.requireNonNull(session, "session");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    /** Body of a valid document at {@code validate}. */
    public record ValidationResult(
            @JsonProperty("valid") boolean valid,
            @JsonProperty("version") String version) {}

    /** Body of a saved document. */
    public record Saved(
            @JsonProperty("version") String version,
            @JsonProperty("rules") List<String> rules) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        RateLimitStore.State state = RateLimitStore.of(realm);
        return RealmDocuments.stored(
                state.absent() ? null : state.source(), state.version(), "realm has no rate-limit document");
    }

    @PUT
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm", session);
        if (refused != null) {
            return refused;
        }
        RateLimitStore.State state = RateLimitStore.compile(body == null ? "" : body);
        List<String> problems = problems(state);
        if (!problems.isEmpty()) {
            LOG.infof(
                    "Rate-limit document refused for realm '%s': %d problem(s); the previous document stays in force",
                    realm.getName(), problems.size());
            return invalid(problems);
        }
        RateLimitStore.save(realm, state);
        List<String> rules = state.policy().rules.stream().map(Rule::name).toList();
        auth.realmUpdated(
                session,
                Map.of("rateLimitVersion", state.version(), "rules", rules),
                Map.of("rateLimitVersion", state.version()));
        LOG.infof(
                "Rate-limit document version %s saved for realm '%s' by '%s' (%d rules)",
                state.version(), realm.getName(), auth.username(), rules.size());
        return Response.ok(new Saved(state.version(), rules))
                .tag(state.version())
                .build();
    }

    @POST
    @Path("validate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response validate(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm", session);
        if (refused != null) {
            return refused;
        }
        RateLimitStore.State state = RateLimitStore.compile(body == null ? "" : body);
        List<String> problems = problems(state);
        return problems.isEmpty()
                ? Response.ok(new ValidationResult(true, state.version())).build()
                : invalid(problems);
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Response delete() {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm");
        if (refused != null) {
            return refused;
        }
        if (RateLimitStore.of(realm).absent()) {
            return ApiError.response(
                    Response.Status.NOT_FOUND, ApiError.NOT_FOUND, "realm has no rate-limit document", List.of());
        }
        RateLimitStore.remove(realm);
        auth.realmUpdated(session, Map.of("rateLimitVersion", "none"), Map.of("rateLimitVersion", "none"));
        LOG.infof("Rate-limit document removed from realm '%s' by '%s'", realm.getName(), auth.username());
        return Response.noContent().build();
    }

    private List<String> problems(RateLimitStore.State state) {
        if (state.policy() == null) {
            return state.errors();
        }
        Map<String, String> tiers = new LinkedHashMap<>();
        realm.getClientsStream()
                .filter(client -> client.getAttribute(RateLimitStore.TIER_ATTRIBUTE) != null)
                .forEach(client -> tiers.put(client.getClientId(), client.getAttribute(RateLimitStore.TIER_ATTRIBUTE)));
        return new ArrayList<>(RateLimitStore.undefinedTiers(state, tiers));
    }

    private static Response invalid(List<String> problems) {
        return RealmDocuments.invalid(INVALID, "the rate-limit document", problems);
    }
}
