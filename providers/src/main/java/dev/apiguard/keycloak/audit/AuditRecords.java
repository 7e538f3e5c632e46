package dev.apiguard.keycloak.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.keycloak.events.Event;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;

/**
 * Turns a Keycloak user or admin event into an audit record: the {@value #SCHEMA} envelope with ECS
 * fields ({@code @timestamp}, {@code event.*}, {@code source.ip}, {@code user.id},
 * {@code user.name}, {@code error.code}), the OCSF classification ({@code ocsf.*}), Keycloak's own
 * fields and its details ({@code keycloak.*}, through {@link Redaction}), and, for API Guard's
 * decisions, {@code apiguard.decision}. The record holds nothing {@link Redaction} does not allow.
 */
public final class AuditRecords {

    public static final String SCHEMA = "apiguard/v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Days whose year has four digits, 0000 to 9999: the only ones {@link #timestamp} formats itself. */
    private static final long MIN_FOUR_DIGIT_DAY = LocalDate.of(0, 1, 1).toEpochDay();

    private static final long MAX_FOUR_DIGIT_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    /** The day of the last {@link #timestamp} and its text up to the hour: the day changes once a day. */
    private record Day(long epochDay, String prefix) {}

    private static volatile Day lastDay;

    private AuditRecords() {}

    public static Map<String, Object> of(Event event, Redaction redaction) {
        String type = event.getType() == null ? "UNKNOWN" : event.getType().name();
        boolean failed = event.getError() != null || type.endsWith("_ERROR");
        EventClasses.Classification c = EventClasses.ofUserEvent(type, event.getError());
        Map<String, String> details = event.getDetails();

        Map<String, Object> record = envelope(event.getTime());
        record.put(
                "event",
                eventField(
                        event.getId(),
                        c,
                        type.replace("_ERROR", "").toLowerCase(Locale.ROOT).replace('_', '-'),
                        failed));
        putIfPresent(record, "source", "ip", redaction.address(event.getIpAddress()));
        Map<String, Object> user = new LinkedHashMap<>();
        putIfNotNull(user, "id", event.getUserId());
        putIfNotNull(user, "name", redaction.userName(details == null ? null : details.get("username")));
        if (!user.isEmpty()) {
            record.put("user", user);
        }
        putIfPresent(record, "error", "code", event.getError());
        Map<String, Object> keycloak = new LinkedHashMap<>();
        keycloak.put("realm", event.getRealmName());
        keycloak.put("realm_id", event.getRealmId());
        putIfNotNull(keycloak, "client_id", event.getClientId());
        keycloak.put("type", type);
        Map<String, Object> kept = redaction.details(details);
        if (!kept.isEmpty()) {
            keycloak.put("details", kept);
        }
        record.put("keycloak", keycloak);
        record.put("ocsf", ocsf(c, failed));
        if (c.decision() != null) {
            Map<String, Object> apiguard = new LinkedHashMap<>();
            apiguard.put("decision", c.decision());
            record.put("apiguard", apiguard);
        }
        return record;
    }

    public static Map<String, Object> of(AdminEvent event, boolean includeRepresentation, Redaction redaction) {
        String operation = event.getOperationType() == null
                ? "ACTION"
                : event.getOperationType().name();
        String resource = event.getResourceTypeAsString() == null ? "UNKNOWN" : event.getResourceTypeAsString();
        boolean failed = event.getError() != null;
        EventClasses.Classification c = EventClasses.ofAdminEvent(operation);
        AuthDetails auth = event.getAuthDetails();

        Map<String, Object> record = envelope(event.getTime());
        record.put(
                "event",
                eventField(
                        event.getId(),
                        c,
                        ("admin-" + resource + "-" + operation)
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '-'),
                        failed));
        putIfPresent(record, "source", "ip", auth == null ? null : redaction.address(auth.getIpAddress()));
        putIfPresent(record, "user", "id", auth == null ? null : auth.getUserId());
        putIfPresent(record, "error", "code", event.getError());
        Map<String, Object> keycloak = new LinkedHashMap<>();
        keycloak.put("realm", event.getRealmName());
        keycloak.put("realm_id", event.getRealmId());
        keycloak.put("type", "ADMIN_" + operation);
        keycloak.put("resource_type", resource);
        putIfNotNull(keycloak, "resource_path", event.getResourcePath());
        if (auth != null) {
            Map<String, Object> admin = new LinkedHashMap<>();
            putIfNotNull(admin, "realm_id", auth.getRealmId());
            putIfNotNull(admin, "client", auth.getClientId());
            keycloak.put("auth", admin);
        }
        Map<String, Object> kept = redaction.details(event.getDetails());
        if (!kept.isEmpty()) {
            keycloak.put("details", kept);
        }
        if (includeRepresentation && event.getRepresentation() != null) {
            Object representation = representation(event.getRepresentation(), redaction);
            if (representation != null) {
                keycloak.put("representation", representation);
            }
        }
        record.put("keycloak", keycloak);
        record.put("ocsf", ocsf(c, failed));
        if (event.getDetails() != null && event.getDetails().containsKey("actor")) {
            Map<String, Object> apiguard = new LinkedHashMap<>();
            apiguard.put("decision", "key_transition");
            record.put("apiguard", apiguard);
        }
        return record;
    }

    /**
     * The record as one line of JSON (no line breaks: JSON escapes them inside strings). The text is
     * the one Jackson's {@code ObjectMapper.writeValueAsString} gives (AuditRecordsTest compares them
     * on random records), written by walking the maps and lists with a {@link JsonGenerator}: a record
     * is written on the request thread of every grant, and this skips the data binder's per-value
     * serializer lookups. A value of any other type is written by the data binder.
     */
    public static String toJson(Map<String, Object> record) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
            write(generator, record);
        } catch (IOException e) {
            // Maps of strings, numbers, booleans and lists always serialize.
            throw new IllegalStateException("audit record not serializable", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getKey() == null) {
                    throw new IOException("audit record with a null key");
                }
                generator.writeFieldName(entry.getKey().toString());
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object element : list) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else if (value instanceof Integer number) {
            generator.writeNumber(number);
        } else if (value instanceof Long number) {
            generator.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            generator.writeBoolean(flag);
        } else if (value == null) {
            generator.writeNull();
        } else {
            JSON.writeValue(generator, value);
        }
    }

    /**
     * {@code Instant.ofEpochMilli(epochMillis).toString()} (AuditRecordsTest compares them), without
     * the date-time formatter on every record: the date part is formatted once per day.
     */
    static String timestamp(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        long epochDay = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        Day day = lastDay;
        if (day == null || day.epochDay() != epochDay) {
            if (epochDay < MIN_FOUR_DIGIT_DAY || epochDay > MAX_FOUR_DIGIT_DAY) {
                return Instant.ofEpochMilli(epochMillis).toString();
            }
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay) + "T");
            lastDay = day;
        }
        StringBuilder text = new StringBuilder(24).append(day.prefix());
        twoDigits(text, secondOfDay / 3600).append(':');
        twoDigits(text, secondOfDay / 60 % 60).append(':');
        twoDigits(text, secondOfDay % 60);
        if (millis != 0) {
            text.append('.')
                    .append((char) ('0' + millis / 100))
                    .append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
        }
        return text.append('Z').toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    private static Object representation(String json, Redaction redaction) {
        try {
            return redaction.representation(JSON.readValue(json, Object.class));
        } catch (JsonProcessingException e) {
            // Keycloak wrote it; if it cannot be read, nothing of it is vouched for.
            return null;
        }
    }

    private static Map<String, Object> envelope(long time) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("@timestamp", timestamp(time));
        record.put("schema", SCHEMA);
        return record;
    }

    private static Map<String, Object> eventField(
            String id, EventClasses.Classification c, String action, boolean failed) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("kind", "event");
        event.put("category", c.category());
        event.put("type", c.type());
        event.put("action", action);
        event.put("outcome", failed ? "failure" : "success");
        event.put("provider", "keycloak");
        event.put("dataset", "apiguard.audit");
        return event;
    }

    private static Map<String, Object> ocsf(EventClasses.Classification c, boolean failed) {
        Map<String, Object> ocsf = new LinkedHashMap<>();
        ocsf.put("class_uid", c.ocsfClass());
        ocsf.put("class_name", c.ocsfClassName());
        ocsf.put("category_uid", c.ocsfCategory());
        ocsf.put("activity_id", c.activity());
        ocsf.put("type_uid", c.ocsfClass() * 100L + c.activity());
        ocsf.put("status_id", failed ? 2 : 1);
        ocsf.put("severity_id", failed ? 3 : 1);
        return ocsf;
    }

    private static void putIfPresent(Map<String, Object> record, String group, String field, Object value) {
        if (value != null) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put(field, value);
            record.put(group, inner);
        }
    }

    private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
