package dev.apiguard.keycloak.it.support;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A realm's login events, parsed, and predicates that each test one event: a test asserts that one
 * event satisfies all of its conditions, so different events cannot satisfy different parts (as
 * they could in a search of the whole answer as one string).
 */
public final class Events {

    private Events() {}

    /** The newest (up to 200) events of this type and client in the demo realm. */
    public static List<Map<String, Object>> of(Oidc oidc, String type, String client) {
        return oidc.asAdmin()
                .queryParam("type", type)
                .queryParam("client", client)
                .queryParam("max", 200)
                .get(oidc.adminUrl("/events"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }

    /** The events that satisfy every one of {@code conditions}. */
    @SafeVarargs
    public static List<Map<String, Object>> matching(
            List<Map<String, Object>> events, Predicate<Map<String, Object>>... conditions) {
        Predicate<Map<String, Object>> all = Arrays.stream(conditions).reduce(event -> true, Predicate::and);
        return events.stream().filter(all).toList();
    }

    public static Predicate<Map<String, Object>> error(String error) {
        return event -> error.equals(event.get("error"));
    }

    public static Predicate<Map<String, Object>> user(String userId) {
        return event -> userId.equals(event.get("userId"));
    }

    /** Recorded at or after {@code epochMillis} (the server runs on this machine's clock). */
    public static Predicate<Map<String, Object>> since(long epochMillis) {
        return event -> event.get("time") instanceof Number time && time.longValue() >= epochMillis;
    }

    public static Predicate<Map<String, Object>> detail(String name, String value) {
        return event -> event.get("details") instanceof Map<?, ?> details && value.equals(details.get(name));
    }

    public static Predicate<Map<String, Object>> detailContaining(String name, String part) {
        return event -> event.get("details") instanceof Map<?, ?> details
                && details.get(name) instanceof String value
                && value.contains(part);
    }
}
