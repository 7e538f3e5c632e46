package dev.apiguard.keycloak.audit;

import dev.apiguard.keycloak.kc.AuditOutbox;
import java.util.Map;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;

/**
 * Writes each event of a realm that lists {@code apiguard-audit} among its event listeners as one
 * outbox row, in the session Keycloak calls it with: a success event (and every admin event) in
 * the request's own transaction, so the record commits or rolls back with the change; an error
 * event in the separate transaction Keycloak opens for it and commits before the response.
 */
final class AuditEventListener implements EventListenerProvider {

    private final KeycloakSession session;
    private final Redaction redaction;
    private final AuditMetrics metrics;

    AuditEventListener(KeycloakSession session, Redaction redaction, AuditMetrics metrics) {
        this.session = session;
        this.redaction = redaction;
        this.metrics = metrics;
    }

    @Override
    public void onEvent(Event event) {
        Map<String, Object> record = AuditRecords.of(event, redaction);
        AuditOutbox.append(session, event.getId(), event.getRealmId(), event.getTime(), AuditRecords.toJson(record));
        count(record);
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        Map<String, Object> record = AuditRecords.of(event, includeRepresentation, redaction);
        AuditOutbox.append(session, event.getId(), event.getRealmId(), event.getTime(), AuditRecords.toJson(record));
        count(record);
    }

    private void count(Map<String, Object> record) {
        Map<?, ?> event = (Map<?, ?>) record.get("event");
        Map<?, ?> ocsf = (Map<?, ?>) record.get("ocsf");
        Object apiguard = record.get("apiguard");
        metrics.recorded(
                (String) event.get("outcome"),
                ((Number) ocsf.get("class_uid")).intValue(),
                apiguard instanceof Map<?, ?> map ? (String) map.get("decision") : null);
    }

    @Override
    public void close() {
        // Nothing held: the row belongs to the session's transaction.
    }
}
