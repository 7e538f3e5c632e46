package dev.apiguard.keycloak.audit;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The durable outbox and the sinks' cursors, as the dispatcher and the admin endpoint see them. */
public interface OutboxStore {

    /** The view of one sink's cursor inside a transaction that holds the cursor's row lock. */
    interface CursorTransaction {
        long position();

        /** Rows after {@code position}, ascending, at most {@code limit}. */
        List<OutboxRow> after(long position, int limit);

        void save(long position);

        /** When the cursor row was last saved (epoch ms), by any node. */
        default long updatedAt() {
            return 0;
        }

        /**
         * The newest rows at or below {@code upTo} recorded at or after {@code since}, ascending, at
         * most {@code limit} (a detector's warm-up).
         */
        default List<OutboxRow> window(long upTo, long since, int limit) {
            return List.of();
        }

        /** Adds a row in this transaction: it commits, or rolls back, with the cursor's move. */
        default void append(String eventId, String realmId, long createdAt, String json) {
            throw new UnsupportedOperationException("this outbox takes no rows from its consumers");
        }

        /** A realm attribute (null when the realm or the attribute does not exist). */
        default String realmAttribute(String realmId, String name) {
            return null;
        }
    }

    /**
     * Runs {@code work} in a new transaction holding sink {@code sink}'s cursor row lock (made at
     * position 0 on first use): one node of a cluster at a time works on a sink.
     */
    void withCursor(String sink, Consumer<CursorTransaction> work);

    /** Deletes rows at or below {@code upTo} recorded before {@code olderThan} (epoch ms); returns how many. */
    int prune(long upTo, long olderThan);

    /** The cursor of each sink that has one. */
    Map<String, Long> positions();

    /** How many rows lie after {@code position}. */
    long backlog(long position);

    /** The newest rows of a realm recorded at or after {@code since}, newest first, at most {@code limit}. */
    List<OutboxRow> recent(String realmId, long since, int limit);
}
