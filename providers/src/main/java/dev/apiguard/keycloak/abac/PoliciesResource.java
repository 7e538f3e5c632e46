package dev.apiguard.keycloak.abac;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.common.JsonLimits;
import dev.apiguard.keycloak.common.RealmDocuments;
import dev.apiguard.keycloak.kc.AdminAccess;
import dev.apiguard.keycloak.kc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code /admin/realms/{realm}/apiguard/v1/policies}: the realm's scope-policy document.
 * <ul>
 *   <li>{@code GET} ({@code view-realm}): the stored document as saved, its version in {@code ETag}; 404 if none;</li>
 *   <li>{@code PUT} ({@code manage-realm}): parse, compile, check that no condition reads a user
 *       attribute users can edit, then store; any error answers 400 {@code invalid_policy_document}
 *       with every error as {@code problems} and stores nothing, so the previous document stays active;</li>
 *   <li>{@code POST validate} ({@code view-realm}): the same checks and the same answers, nothing
 *       stored: 200 {@code {"valid": true, "version": ...}}, or 400 as for {@code PUT};</li>
 *   <li>{@code POST explain} ({@code view-realm} and permission to view the user): a dry run of
 *       the current document for one user, client and scope, naming the deciding policy.</li>
 * </ul>
 * Keycloak has authenticated the caller (401 otherwise); permissions are checked here (403).
 * Every error is an {@link ApiError}.
 */
public final class PoliciesResource {

    private static final Logger LOG = Logger.getLogger(PoliciesResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    public PoliciesResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
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
            @JsonProperty("policies") int policies,
            @JsonProperty("protectedScopes") List<String> protectedScopes) {}

    /** Request of {@code explain}: the user by username or id, the client by clientId. */
    public record ExplainRequest(String user, String client, String scope, String grantType, String acr) {

        static final List<String> FIELDS = List.of("user", "client", "scope", "grantType", "acr");

        /** Reads the request; every problem (not an object, unknown field, not a string) is named. */
        static ExplainRequest parse(String body, List<String> problems) {
            JsonNode root;
            try {
                root = JsonLimits.read(body, EXPLAIN_MAX_CHARS, "the request");
            } catch (JsonLimits.Invalid e) {
                problems.addAll(e.problems());
                return null;
            }
            if (!root.isObject()) {
                problems.add("the request must be a JSON object");
                return null;
            }
            root.fieldNames().forEachRemaining(name -> {
                if (!FIELDS.contains(name)) {
                    problems.add(name + ": unknown field (allowed: " + String.join(", ", FIELDS) + ")");
                }
            });
            List<String> values = new ArrayList<>();
            for (String field : FIELDS) {
                JsonNode value = root.get(field);
                if (value == null || value.isNull()) {
                    values.add(null);
                } else if (!value.isTextual()) {
                    problems.add(field + ": must be a string");
                    values.add(null);
                } else {
                    values.add(value.textValue());
                }
            }
            for (String required : List.of("user", "client", "scope")) {
                if (blank(values.get(FIELDS.indexOf(required)))) {
                    problems.add(required + ": missing");
                }
            }
            return problems.isEmpty()
                    ? new ExplainRequest(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4))
                    : null;
        }
    }

    /** The longest {@code explain} request accepted, in characters. */
    static final int EXPLAIN_MAX_CHARS = 16_384;

    /** Answer of {@code explain}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Explanation(
            @JsonProperty("user") String user,
            @JsonProperty("client") String client,
            @JsonProperty("scope") String scope,
            @JsonProperty("decision") String decision,
            @JsonProperty("action") String action,
            @JsonProperty("policy") String policy,
            @JsonProperty("condition") String condition,
            @JsonProperty("reason") String reason,
            @JsonProperty("scopeAvailableToClient") boolean scopeAvailableToClient,
            @JsonProperty("version") String version) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        PolicyStore.State state = PolicyStore.of(realm);
        return RealmDocuments.stored(
                state.absent() ? null : state.source(), state.version(), "realm has no scope-policy document");
    }

    @PUT
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireManageRealm, "manage-realm", session);
        if (refused != null) {
            return refused;
        }
        PolicyStore.State state = PolicyStore.compile(body == null ? "" : body);
        List<String> errors = errors(state);
        if (!errors.isEmpty()) {
            LOG.infof(
                    "Scope-policy document refused for realm '%s': %d error(s); the previous document stays active",
                    realm.getName(), errors.size());
            return invalidDocument(errors);
        }
        PolicyStore.save(realm, state);
        ScopePolicyRequiredActionFactory.ensureRegistered(realm);
        auth.realmUpdated(
                session,
                Map.of(
                        "scopePolicyVersion",
                        state.version(),
                        "policies",
                        state.policies().document().policies().size()),
                Map.of("scopePolicyVersion", state.version()));
        LOG.infof(
                "Scope-policy document version %s saved for realm '%s' by '%s' (%d policies)",
                state.version(),
                realm.getName(),
                auth.username(),
                state.policies().document().policies().size());
        return Response.ok(new Saved(
                        state.version(),
                        state.policies().document().policies().size(),
                        state.policies().document().protectedScopes().stream()
                                .sorted()
                                .toList()))
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
        PolicyStore.State state = PolicyStore.compile(body == null ? "" : body);
        List<String> errors = errors(state);
        return errors.isEmpty()
                ? Response.ok(new ValidationResult(true, state.version())).build()
                : invalidDocument(errors);
    }

    @POST
    @Path("explain")
    @Produces(MediaType.APPLICATION_JSON)
    public Response explain(String body) {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm", session);
        if (refused != null) {
            return refused;
        }
        List<String> problems = new ArrayList<>();
        ExplainRequest request = ExplainRequest.parse(body, problems);
        if (request == null) {
            return ApiError.invalidRequest(ApiError.describe("the explain request", problems), problems);
        }
        UserModel user = session.users().getUserByUsername(realm, request.user());
        if (user == null) {
            user = session.users().getUserById(realm, request.user());
        }
        if (user == null) {
            return badRequest("no user '" + request.user() + "' in realm " + realm.getName());
        }
        UserModel subject = user;
        Response hidden = AdminRequests.refusedUnless(() -> auth.requireViewUser(subject), "view-users");
        if (hidden != null) {
            return hidden;
        }
        ClientModel client = realm.getClientByClientId(request.client());
        if (client == null) {
            return badRequest("no client '" + request.client() + "' in realm " + realm.getName());
        }
        PolicyStore.State state = PolicyStore.of(realm);
        boolean available = client.getClientScopes(true).containsKey(request.scope())
                || client.getClientScopes(false).containsKey(request.scope());
        if (state.absent()) {
            return Response.ok(new Explanation(
                            user.getUsername(),
                            client.getClientId(),
                            request.scope(),
                            "not_protected",
                            null,
                            null,
                            null,
                            "realm has no scope-policy document",
                            available,
                            null))
                    .build();
        }
        if (state.broken()) {
            return Response.ok(new Explanation(
                            user.getUsername(),
                            client.getClientId(),
                            request.scope(),
                            "deny",
                            "refuse",
                            null,
                            null,
                            "the stored document is invalid: every request fails closed",
                            available,
                            state.version()))
                    .build();
        }
        String grantType = blank(request.grantType()) ? OAuth2Constants.AUTHORIZATION_CODE : request.grantType();
        org.keycloak.representations.AccessToken authentication = null;
        if (!blank(request.acr())) {
            authentication = new org.keycloak.representations.AccessToken();
            authentication.setAcr(request.acr());
        }
        Decision decision = state.policies()
                .decide(
                        request.scope(),
                        client.getClientId(),
                        ScopePolicyInputs.of(
                                session, user, client, grantType, List.of(request.scope()), authentication),
                        false);
        return Response.ok(new Explanation(
                        user.getUsername(),
                        client.getClientId(),
                        decision.scope(),
                        decision.outcome().name().toLowerCase(java.util.Locale.ROOT),
                        decision.onDeny() == null
                                ? null
                                : decision.onDeny().name().toLowerCase(java.util.Locale.ROOT),
                        decision.policy(),
                        decision.condition(),
                        decision.reason(),
                        available,
                        state.version()))
                .build();
    }

    private List<String> errors(PolicyStore.State state) {
        if (state.policies() == null) {
            return state.errors();
        }
        return new ArrayList<>(AttributeTrust.untrusted(
                Models.userProfile(session), PolicyCompiler.userAttributesRead(state.policies())));
    }

    private static Response badRequest(String description) {
        return ApiError.invalidRequest(description, List.of());
    }

    private static Response invalidDocument(List<String> errors) {
        return RealmDocuments.invalid("invalid_policy_document", "the scope-policy document", errors);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
