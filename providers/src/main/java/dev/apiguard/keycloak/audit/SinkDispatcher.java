package dev.apiguard.keycloak.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Delivers the outbox to one sink, at least once, in outbox order, moving the sink's durable
 * cursor. One pass ({@link #pass}) runs inside the transaction that holds the cursor's row lock:
 * it reads the rows after the cursor, hands those it has not delivered yet to the sink, and moves
 * the cursor over the rows delivered.
 *
 * <p>Rows become visible in commit order, not in {@code seq} order: a transaction that took
 * {@code seq} 10 may commit after one that took 11. The cursor therefore stops before a missing
 * {@code seq} (rows after it are delivered, remembered, and not sent twice by this node) until the
 * missing row appears or the row after the gap is older than {@code gapMillis}: then the missing
 * {@code seq} belongs to a transaction that rolled back (or a sequence jump after a crash) and is
 * skipped. After a restart, rows delivered beyond a gap are delivered again (same event ids).
 *
 * <p>A failed delivery leaves the cursor where it was; the next attempt waits 1 s, doubling up to
 * {@value #MAX_BACKOFF_MILLIS} ms. Failures are logged (the first, then every tenth) and shown in
 * the sink's status; nothing is dropped.
 */
final class SinkDispatcher {

    static final long MAX_BACKOFF_MILLIS = 60_000;
    private static final Logger LOG = Logger.getLogger(SinkDispatcher.class);

    private final AuditSink sink;
    private final int batchSize;
    private final long gapMillis;
    private final TreeSet<Long> deliveredAhead = new TreeSet<>();
    private long knownPosition = -1;
    private long nextAttemptAt;
    private int failures;
    private volatile SinkStatus status;
    private final AuditMetrics metrics;

    SinkDispatcher(AuditSink sink, int batchSize, long gapMillis) {
        this(sink, batchSize, gapMillis, AuditMetrics.OFF);
    }

    SinkDispatcher(AuditSink sink, int batchSize, long gapMillis, AuditMetrics metrics) {
        this.metrics = metrics;
        this.sink = sink;
        this.batchSize = batchSize;
        this.gapMillis = gapMillis;
        this.status = SinkStatus.initial(sink.name());
    }

    String name() {
        return sink.name();
    }

    SinkStatus status() {
        return status;
    }

    AuditSink sink() {
        return sink;
    }

    /** Whether a delivery may be attempted at {@code now} (not waiting out a backoff). */
    boolean due(long now) {
        return now >= nextAttemptAt;
    }

    /**
     * One pass. Returns true when a full batch was read (more rows may wait), false when the
     * outbox is drained, the sink failed, or a gap holds the cursor.
     */
    boolean pass(OutboxStore.CursorTransaction tx, long now) {
        long position = tx.position();
        if (position != knownPosition) {
            // Another node moved the cursor (or this is the first pass): forget what lies at or below it.
            deliveredAhead.headSet(position, true).clear();
            knownPosition = position;
        }
        List<OutboxRow> rows = tx.after(position, batchSize);
        if (rows.isEmpty()) {
            status = status.at(position, now);
            return false;
        }
        List<OutboxRow> todo = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            if (!deliveredAhead.contains(row.seq())) {
                todo.add(row);
            }
        }
        if (!todo.isEmpty()) {
            try {
                sink.deliver(todo);
            } catch (IOException | RuntimeException e) {
                failures++;
                long backoff = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 16));
                nextAttemptAt = now + backoff;
                String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                status = status.failed(position, problem, failures, now, nextAttemptAt);
                metrics.failed(sink.name());
                if (failures == 1 || failures % 10 == 0) {
                    LOG.warnf(
                            "apiguard audit: sink '%s' could not take %d record(s) (attempt %d, next in %d ms, nothing"
                                    + " dropped): %s",
                            sink.name(), todo.size(), failures, backoff, problem);
                }
                return false;
            }
            if (failures > 0) {
                LOG.infof("apiguard audit: sink '%s' delivers again after %d failed attempt(s)", sink.name(), failures);
            }
            failures = 0;
            nextAttemptAt = 0;
            metrics.delivered(sink.name(), todo.size());
            for (OutboxRow row : todo) {
                deliveredAhead.add(row.seq());
            }
        }
        long moved = advance(position, rows, now, gapMillis);
        deliveredAhead.headSet(moved, true).clear();
        if (moved != position) {
            tx.save(moved);
        }
        knownPosition = moved;
        status = status.delivered(todo.size(), moved, now);
        return rows.size() == batchSize && moved != position;
    }

    /** The new cursor: past every row in {@code rows} (all delivered) up to the first unsettled gap. */
    static long advance(long position, List<OutboxRow> rows, long now, long gapMillis) {
        long moved = position;
        for (OutboxRow row : rows) {
            if (row.seq() == moved + 1 || now - row.createdAt() >= gapMillis) {
                moved = row.seq();
            } else {
                break;
            }
        }
        return moved;
    }
}
