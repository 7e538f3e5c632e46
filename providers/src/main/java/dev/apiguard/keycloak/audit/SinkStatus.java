package dev.apiguard.keycloak.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one sink has done, as this node saw it: the cursor, records delivered since start, the last
 * delivery, and the last failure with the count of failures in a row and when the next attempt is
 * due. {@code backlog} (rows after the cursor) is filled in by the admin endpoint.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SinkStatus(
        @JsonProperty("name") String name,
        @JsonProperty("state") String state,
        @JsonProperty("position") long position,
        @JsonProperty("delivered") long delivered,
        @JsonProperty("last_delivery_at") Long lastDeliveryAt,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("last_error_at") Long lastErrorAt,
        @JsonProperty("consecutive_failures") int consecutiveFailures,
        @JsonProperty("next_attempt_at") Long nextAttemptAt,
        @JsonProperty("backlog") Long backlog) {

    static SinkStatus initial(String name) {
        return new SinkStatus(name, "starting", 0, 0, null, null, null, 0, null, null);
    }

    SinkStatus at(long position, long now) {
        return new SinkStatus(
                name,
                consecutiveFailures > 0 ? "failing" : "ok",
                position,
                delivered,
                lastDeliveryAt,
                lastError,
                lastErrorAt,
                consecutiveFailures,
                nextAttemptAt,
                null);
    }

    SinkStatus delivered(int count, long position, long now) {
        return new SinkStatus(
                name,
                "ok",
                position,
                delivered + count,
                count > 0 ? now : lastDeliveryAt,
                lastError,
                lastErrorAt,
                0,
                null,
                null);
    }

    /** A failed delivery from the cursor at {@code position} (the cursor read in the failed pass, not the last success's). */
    SinkStatus failed(long position, String error, int failures, long now, long next) {
        return new SinkStatus(name, "failing", position, delivered, lastDeliveryAt, error, now, failures, next, null);
    }

    /** This node's status with the cursor and backlog as the database has them (the admin endpoint). */
    public SinkStatus withCursor(long position, long backlog) {
        return new SinkStatus(
                name,
                state,
                position,
                delivered,
                lastDeliveryAt,
                lastError,
                lastErrorAt,
                consecutiveFailures,
                nextAttemptAt,
                backlog);
    }
}
