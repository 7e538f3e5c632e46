package dev.apiguard.keycloak.audit;

import dev.apiguard.keycloak.common.AdminRequests;
import dev.apiguard.keycloak.common.ApiError;
import dev.apiguard.keycloak.kc.AdminAccess;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code GET /admin/realms/{realm}/apiguard/v1/audit}: the realm's recent audit records (newest
 * first, from the outbox, which keeps them {@code retention-hours}) and each sink's status.
 * Requires {@code view-realm} (403 {@code forbidden}); Keycloak answers 401 without a token.
 *
 * <p>Query parameters, all optional: {@code max} (1 to {@value #MAX}, default {@value #DEFAULT_MAX}),
 * {@code since} (ISO-8601 instant), {@code action} ({@code event.action}), {@code outcome}
 * ({@code success} or {@code failure}), {@code user} ({@code user.id}), {@code client}
 * ({@code keycloak.client_id}), {@code event_id}. A bad value is a 400 {@code invalid_request}
 * naming it.
 */
public final class AuditResource {

    static final int MAX = 500;
    static final int DEFAULT_MAX = 50;
    private static final int SCAN = 5000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess auth;

    public AuditResource(KeycloakSession session, RealmModel realm, AdminAccess auth) {
        this.session = Objects.requireNonNull(session, "session");
        this.realm = Objects.requireNonNull(realm, "realm");
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(
            @QueryParam("max") String max,
            @QueryParam("since") String since,
            @QueryParam("action") String action,
            @QueryParam("outcome") String outcome,
            @QueryParam("user") String user,
            @QueryParam("client") String client,
            @QueryParam("event_id") String eventId) {
        Response refused = AdminRequests.refusedUnless(auth::requireViewRealm, "view-realm");
        if (refused != null) {
            return refused;
        }
        List<String> problems = new ArrayList<>();
        int limit = DEFAULT_MAX;
        if (max != null) {
            try {
                limit = Integer.parseInt(max);
                if (limit < 1 || limit > MAX) {
                    problems.add("max must be from 1 to " + MAX + ", got " + limit);
                }
            } catch (NumberFormatException e) {
                problems.add("max must be a whole number from 1 to " + MAX + ", got '" + cut(max) + "'");
            }
        }
        long sinceMillis = 0;
        if (since != null) {
            try {
                sinceMillis = Instant.parse(since).toEpochMilli();
            } catch (DateTimeParseException e) {
                problems.add(
                        "since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '" + cut(since) + "'");
            }
        }
        if (outcome != null && !outcome.equals("success") && !outcome.equals("failure")) {
            problems.add("outcome must be success or failure, got '" + cut(outcome) + "'");
        }
        if (!problems.isEmpty()) {
            return ApiError.invalidRequest(ApiError.describe("query", problems), problems);
        }
        AuditEventListenerFactory factory = (AuditEventListenerFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(EventListenerProvider.class, AuditEventListenerFactory.PROVIDER_ID);
        List<Object> records = new ArrayList<>();
        for (OutboxRow row : factory.store().recent(realm.getId(), sinceMillis, SCAN)) {
            if (records.size() == limit) {
                break;
            }
            Map<String, Object> record = AuditRecords.parse(row.json());
            if (matches(record, "event", "action", action)
                    && matches(record, "event", "outcome", outcome)
                    && matches(record, "event", "id", eventId)
                    && matches(record, "user", "id", user)
                    && matches(record, "keycloak", "client_id", client)) {
                records.add(record);
            }
        }
        Map<String, Long> positions = factory.store().positions();
        List<SinkStatus> sinks = new ArrayList<>();
        for (SinkStatus status : factory.statuses()) {
            long position = positions.getOrDefault(status.name(), status.position());
            sinks.add(status.withCursor(position, factory.store().backlog(position)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("realm", realm.getName());
        body.put("enabled", realm.getEventsListenersStream().anyMatch(AuditEventListenerFactory.PROVIDER_ID::equals));
        body.put("records", records);
        body.put("sinks", sinks);
        return Response.ok(body).build();
    }

    private static boolean matches(Map<String, Object> record, String group, String field, String wanted) {
        if (wanted == null) {
            return true;
        }
        return record.get(group) instanceof Map<?, ?> map && wanted.equals(map.get(field));
    }

    private static String cut(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
