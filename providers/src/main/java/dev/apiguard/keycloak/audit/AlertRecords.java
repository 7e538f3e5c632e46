package dev.apiguard.keycloak.audit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An alert as an audit record: the {@value AuditRecords#SCHEMA} envelope with ECS
 * {@code event.kind: alert}, {@code event.category: intrusion_detection}, {@code event.action:
 * alert-<detector>}, {@code event.severity} (21 low, 47 medium, 73 high, 99 critical, as Elastic's
 * detection rules), {@code rule.name}, OCSF Detection Finding (2004), and under
 * {@code apiguard.alert} the detector, severity, key, count, threshold and window. Every value comes
 * from the records that triggered it (already redacted) or from the realm's thresholds: never a
 * secret.
 *
 * <p>The event id is a name-based UUID of the detector and the triggering record's event id: an
 * alert evaluated twice from the same record (a pass repeated after a failed commit) has the same
 * id.
 */
final class AlertRecords {

    static final String KIND = "alert";

    private AlertRecords() {}

    static String eventId(String detector, String triggerEventId) {
        return UUID.nameUUIDFromBytes(
                        ("apiguard-alert\n" + detector + "\n" + triggerEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static Map<String, Object> of(
            AlertDetectors.Alert alert, Map<String, Object> trigger, String triggerEventId, long time) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("@timestamp", AuditRecords.timestamp(time));
        record.put("schema", AuditRecords.SCHEMA);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId(alert.detector(), triggerEventId));
        event.put("kind", KIND);
        event.put("category", List.of("intrusion_detection"));
        event.put("type", List.of("indicator"));
        event.put("action", "alert-" + alert.detector());
        event.put("severity", ecsSeverity(alert.severity()));
        event.put("reason", alert.reason());
        event.put("provider", "apiguard");
        event.put("dataset", "apiguard.audit");
        record.put("event", event);
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", alert.detector());
        rule.put("ruleset", AuditRecords.SCHEMA);
        record.put("rule", rule);
        if ("address".equals(alert.keyKind())) {
            record.put("source", Map.of("ip", alert.key()));
        }
        Map<String, Object> user = new LinkedHashMap<>();
        Map<String, Object> triggerUser = AlertDetectors.group(trigger, "user");
        if (alert.detector().equals(AlertPolicy.USER_FAILURES)
                || alert.detector().equals(AlertPolicy.REFRESH_TOKEN_REUSE)
                || alert.detector().equals(AlertPolicy.SECOND_FACTOR_REMOVED)
                || alert.detector().equals(AlertPolicy.ADMIN_ROLE_GRANT)
                || alert.detector().equals(AlertPolicy.CLIENT_REDIRECT)) {
            // The user the alert is about (or, for admin changes, the administrator who acted).
            if (triggerUser.get("id") != null) {
                user.put("id", triggerUser.get("id"));
            }
            if (triggerUser.get("name") != null) {
                user.put("name", triggerUser.get("name"));
            }
        }
        if (!user.isEmpty()) {
            record.put("user", user);
        }
        Map<String, Object> keycloak = new LinkedHashMap<>();
        Map<String, Object> triggerKeycloak = AlertDetectors.group(trigger, "keycloak");
        keycloak.put("realm", triggerKeycloak.get("realm"));
        keycloak.put("realm_id", triggerKeycloak.get("realm_id"));
        if (triggerKeycloak.get("client_id") != null) {
            keycloak.put("client_id", triggerKeycloak.get("client_id"));
        }
        keycloak.put("type", "APIGUARD_ALERT");
        record.put("keycloak", keycloak);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("detector", alert.detector());
        details.put("severity", alert.severity());
        details.put("key_kind", alert.keyKind());
        details.put("key", alert.key());
        details.put("count", alert.count());
        details.put("threshold", alert.threshold());
        details.put("window_seconds", alert.windowMillis() / 1000);
        details.put("trigger_event_id", triggerEventId);
        details.putAll(alert.facts());
        Map<String, Object> apiguard = new LinkedHashMap<>();
        apiguard.put("alert", details);
        record.put("apiguard", apiguard);
        Map<String, Object> ocsf = new LinkedHashMap<>();
        ocsf.put("class_uid", 2004);
        ocsf.put("class_name", "Detection Finding");
        ocsf.put("category_uid", 2);
        ocsf.put("activity_id", 1);
        ocsf.put("type_uid", 200401);
        ocsf.put("severity_id", ocsfSeverity(alert.severity()));
        record.put("ocsf", ocsf);
        return record;
    }

    /** Whether a record is an alert (detectors never read their own output as input). */
    static boolean isAlert(Map<String, Object> record) {
        return KIND.equals(AlertDetectors.text(record, "event", "kind"));
    }

    static int ecsSeverity(String severity) {
        return switch (severity) {
            case "low" -> 21;
            case "medium" -> 47;
            case "high" -> 73;
            default -> 99;
        };
    }

    static int ocsfSeverity(String severity) {
        return switch (severity) {
            case "low" -> 2;
            case "medium" -> 3;
            case "high" -> 4;
            default -> 5;
        };
    }
}
