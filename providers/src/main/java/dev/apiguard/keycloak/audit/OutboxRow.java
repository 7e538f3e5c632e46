package dev.apiguard.keycloak.audit;

/**
 * One audit record as the outbox holds it: its position ({@code seq}, ascending in insert order),
 * the event id (also inside the record; a redelivered record carries the same id), the realm, the
 * time it was recorded (epoch milliseconds) and the record as JSON.
 */
public record OutboxRow(long seq, String eventId, String realmId, long createdAt, String json) {}
