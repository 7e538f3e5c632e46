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
