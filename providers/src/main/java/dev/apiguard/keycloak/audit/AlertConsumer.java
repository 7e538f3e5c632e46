package dev.apiguard.keycloak.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs the {@link AlertDetectors} over the outbox, like a sink with a durable cursor of its own
 * ({@value #CURSOR}), on the dispatcher thread: the request path does no work for them.
 *
 * <p>One pass runs in the transaction that holds the cursor's row lock. It reads the rows after the
 * cursor (up to the first unsettled gap, as {@link SinkDispatcher#advance} decides), feeds them to
 * the detectors in outbox order, <b>appends each alert as an outbox row in the same transaction</b>
 * and moves the cursor there too: alert rows and the cursor move commit together or not at all.
 * An alert is therefore never lost (it is a durable, chained record delivered to every sink like
 * any other) and never written twice for one cursor advance; a pass whose commit fails leaves no
 * row, and its windows are rebuilt before the next pass.
 *
 * <p>Detector windows live in this node's memory. One node owns the detectors: the one whose own
 * save is the cursor row's last {@code UPDATED_AT} (the owner saves at least every half
 * {@code lease}); another node leaves the rows alone while the cursor is younger than the lease.
 * A node that takes over (start, restart, owner gone, failed pass) first rebuilds its windows from
 * the outbox rows of the last {@value #WARM_UP_MILLIS} ms at or below the cursor (at most
 * {@value #WARM_UP_ROWS} rows) without firing, and honours the alert records it finds there and in
 * the next batch, so a key that has just fired does not fire again.
 */
final class AlertConsumer {

    /** The cursor's name in {@code APIGUARD_AUDIT_CURSOR}; never changes once shipped. */
    static final String CURSOR = "alerts";

    static final long WARM_UP_MILLIS = 3_600_000L;
    static final int WARM_UP_ROWS = 100_000;
    private static final int MAX_POLICIES = 256;
    private static final Logger LOG = Logger.getLogger(AlertConsumer.class);

    private final AlertDetectors detectors = new AlertDetectors();
    private final int batchSize;
    private final long gapMillis;
    private final long leaseMillis;
    private final Map<String, AlertPolicy> compiled = new HashMap<>();
    private final Map<String, String> broken = new HashMap<>();

    /** The cursor's {@code UPDATED_AT} this node last committed; -1 before its first commit. */
    private long ownedSave = -1;

    private boolean warm;
    private long pendingSave = -1;
    private List<AlertDetectors.Alert> pending = List.of();
    private volatile long emitted;

    AlertConsumer(int batchSize, long gapMillis, long leaseMillis) {
        this.batchSize = batchSize;
        this.gapMillis = gapMillis;
        this.leaseMillis = leaseMillis;
    }

    /**
     * One pass. Returns true when a full batch was read (more rows may wait). Call {@link #committed}
     * after the transaction commits, {@link #failed} when it does not.
     */
    boolean pass(OutboxStore.CursorTransaction tx, long now) {
        pending = List.of();
        pendingSave = -1;
        long position = tx.position();
        long updatedAt = tx.updatedAt();
        boolean mine = updatedAt == ownedSave;
        if (!mine && now - updatedAt < leaseMillis) {
            // Another node (or this node's previous life) saved the cursor within the lease: it owns the detectors.
            warm = false;
            return false;
        }
        Map<String, AlertPolicy> policies = new HashMap<>();
        if (!mine || !warm) {
            detectors.clear();
            for (OutboxRow row : tx.window(position, now - WARM_UP_MILLIS, WARM_UP_ROWS)) {
                feed(tx, row, policies, false, null);
            }
            warm = true;
        }
        List<OutboxRow> rows = tx.after(position, batchSize);
        long moved = SinkDispatcher.advance(position, rows, now, gapMillis);
        // Alerts already written (by this node's previous pass or another owner) silence their keys first.
        for (OutboxRow row : rows) {
            if (row.json().contains("\"kind\":\"alert\"")) {
                Map<String, Object> record = AuditRecords.parse(row.json());
                if (AlertRecords.isAlert(record)) {
                    detectors.observeAlert(row.realmId(), record, row.createdAt());
                }
            }
        }
        List<AlertDetectors.Alert> fired = new ArrayList<>();
        for (OutboxRow row : rows) {
            if (row.seq() > moved) {
                break;
            }
            feed(tx, row, policies, true, fired);
        }
        if (moved != position || now - updatedAt >= leaseMillis / 2) {
            tx.save(moved);
            pendingSave = tx.updatedAt();
        } else {
            pendingSave = updatedAt;
        }
        pending = fired;
        return rows.size() == batchSize && moved != position;
    }

    /** The pass's transaction committed: its alerts are durable; returns them (to be counted). */
    List<AlertDetectors.Alert> committed() {
        ownedSave = pendingSave;
        List<AlertDetectors.Alert> done = pending;
        pending = List.of();
        emitted += done.size();
        return done;
    }

    /** The pass's transaction did not commit: its alerts are gone with it, and the windows are rebuilt next pass. */
    void failed() {
        pending = List.of();
        warm = false;
    }

    long emitted() {
        return emitted;
    }

    private void feed(
            OutboxStore.CursorTransaction tx,
            OutboxRow row,
            Map<String, AlertPolicy> policies,
            boolean emit,
            List<AlertDetectors.Alert> fired) {
        if (!relevant(row.json())) {
            return;
        }
        Map<String, Object> record;
        try {
            record = AuditRecords.parse(row.json());
        } catch (IllegalArgumentException e) {
            // Rows are written by this extension; one that does not parse says nothing a detector can use.
            return;
        }
        if (AlertRecords.isAlert(record)) {
            detectors.observeAlert(row.realmId(), record, row.createdAt());
            return;
        }
        AlertPolicy policy =
                policies.computeIfAbsent(row.realmId(), id -> policy(id, tx.realmAttribute(id, AlertPolicy.ATTRIBUTE)));
        List<AlertDetectors.Alert> alerts = detectors.observe(row.realmId(), record, row.createdAt(), policy, emit);
        if (emit) {
            for (AlertDetectors.Alert alert : alerts) {
                Map<String, Object> alertRecord = AlertRecords.of(alert, record, row.eventId(), row.createdAt());
                String id = (String) AlertDetectors.group(alertRecord, "event").get("id");
                tx.append(id, row.realmId(), row.createdAt(), AuditRecords.toJson(alertRecord));
                fired.add(alert);
            }
        }
    }

    /**
     * Whether a row can matter to a detector, decided on its text without parsing it: failures (and so
     * every decision), admin events, credential removals and alerts. Successful logins and grants, the
     * bulk of a busy stream, are skipped for the cost of a few {@code contains}.
     */
    static boolean relevant(String json) {
        return json.contains("\"outcome\":\"failure\"")
                || json.contains("\"type\":\"ADMIN_")
                || json.contains("\"type\":\"REMOVE_")
                || json.contains("\"kind\":\"alert\"");
    }

    /** The realm's thresholds: its document, or the defaults (also, with a log line, when the stored document is broken). */
    AlertPolicy policy(String realmId, String source) {
        if (source == null || source.isBlank()) {
            return AlertPolicy.DEFAULTS;
        }
        AlertPolicy cached = compiled.get(source);
        if (cached != null) {
            return cached;
        }
        if (compiled.size() >= MAX_POLICIES) {
            compiled.clear();
        }
        try {
            AlertPolicy policy = AlertPolicy.parse(source);
            compiled.put(source, policy);
            return policy;
        } catch (AlertPolicy.Invalid e) {
            if (!source.equals(broken.get(realmId))) {
                if (broken.size() >= MAX_POLICIES) {
                    broken.clear();
                }
                broken.put(realmId, source);
                LOG.errorf(
                        "apiguard audit: the alert document (realm attribute %s) of realm id '%s' is invalid; the"
                                + " default thresholds apply until a valid one is saved: %s",
                        AlertPolicy.ATTRIBUTE, realmId, e.problems());
            }
            compiled.put(source, AlertPolicy.DEFAULTS);
            return AlertPolicy.DEFAULTS;
        }
    }
}
