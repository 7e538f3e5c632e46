package dev.apiguard.keycloak.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The background thread that runs the alert detectors over the outbox ({@link AlertConsumer}),
 * delivers the outbox to every configured sink (one {@link SinkDispatcher} each), every
 * {@code poll-interval-ms}, and prunes delivered rows older than {@code retention-hours} once a
 * minute. Runs on every node; the cursor row lock makes one
 * node at a time deliver to a sink.
 */
final class AuditDispatcher {

    private static final Logger LOG = Logger.getLogger(AuditDispatcher.class);
    private static final long PRUNE_EVERY_MILLIS = 60_000;
    private static final int MAX_PASSES_PER_TICK = 20;

    private final OutboxStore store;
    private final List<SinkDispatcher> sinks;
    private final AuditSettings settings;
    private final ScheduledExecutorService executor;
    private final AlertConsumer alerts;
    private final AuditMetrics metrics;
    private long lastPrune;
    private long lastAlertFailureLog;
    private volatile boolean stopping;

    AuditDispatcher(OutboxStore store, List<AuditSink> sinks, AuditSettings settings, AuditMetrics metrics) {
        this.store = store;
        this.settings = settings;
        List<SinkDispatcher> dispatchers = new ArrayList<>();
        for (AuditSink sink : sinks) {
            dispatchers.add(new SinkDispatcher(sink, settings.batchSize(), settings.gapSeconds() * 1000L, metrics));
        }
        this.sinks = List.copyOf(dispatchers);
        this.metrics = metrics;
        this.alerts = new AlertConsumer(
                settings.batchSize(), settings.gapSeconds() * 1000L, Math.max(5_000L, 3L * settings.pollMillis()));
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "apiguard-audit-dispatcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    private volatile long lastFailureLog;

    void start() {
        // The JVM is ending (the database may close before Keycloak stops this dispatcher): no new pass.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping = true, "apiguard-audit-shutdown"));
        executor.scheduleWithFixedDelay(
                this::tick, settings.pollMillis(), settings.pollMillis(), TimeUnit.MILLISECONDS);
    }

    List<SinkStatus> statuses() {
        return sinks.stream().map(SinkDispatcher::status).toList();
    }

    /** Stops the thread (waiting for a pass under way) and closes the sinks. */
    void stop() {
        stopping = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        sinks.forEach(s -> s.sink().close());
    }

    private void tick() {
        // Detectors first: an alert written in this tick reaches the sinks in the same tick.
        detect();
        for (SinkDispatcher sink : sinks) {
            if (stopping) {
                return;
            }
            try {
                for (int pass = 0; pass < MAX_PASSES_PER_TICK && !stopping; pass++) {
                    long now = System.currentTimeMillis();
                    if (!sink.due(now)) {
                        break;
                    }
                    boolean[] more = {false};
                    store.withCursor(sink.name(), tx -> more[0] = sink.pass(tx, now));
                    if (!more[0]) {
                        break;
                    }
                }
            } catch (RuntimeException | Error e) {
                // The database refused (lock held by another node past its timeout, connection lost), or
                // anything else: the cursor did not move and the next tick tries again. Caught here so that
                // one bad pass never ends the schedule; said at WARN (once a minute at most) so that a
                // dispatcher that cannot deliver is never silent.
                long now = System.currentTimeMillis();
                if (now - lastFailureLog >= 60_000L) {
                    lastFailureLog = now;
                    LOG.warnf(
                            "apiguard audit: a pass of sink '%s' did not complete, the next one retries (nothing"
                                    + " dropped): %s",
                            sink.name(), e.toString());
                }
                LOG.debugf(e, "apiguard audit: pass of sink '%s' did not complete", sink.name());
            }
        }
        long now = System.currentTimeMillis();
        if (!stopping && now - lastPrune >= PRUNE_EVERY_MILLIS) {
            lastPrune = now;
            prune(now);
        }
    }

    private void detect() {
        try {
            for (int pass = 0; pass < MAX_PASSES_PER_TICK && !stopping; pass++) {
                long now = System.currentTimeMillis();
                boolean[] more = {false};
                store.withCursor(AlertConsumer.CURSOR, tx -> more[0] = alerts.pass(tx, now));
                for (AlertDetectors.Alert alert : alerts.committed()) {
                    metrics.alerted(alert.detector(), alert.severity());
                    LOG.warnf(
                            "apiguard audit: alert %s (%s) on %s '%s': %s",
                            alert.detector(), alert.severity(), alert.keyKind(), alert.key(), alert.reason());
                }
                if (!more[0]) {
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            // The transaction did not commit: no alert row and no cursor move were kept; the windows are rebuilt
            // from the outbox and the same rows are evaluated again (same alert ids).
            alerts.failed();
            long now = System.currentTimeMillis();
            if (now - lastAlertFailureLog >= 60_000L) {
                lastAlertFailureLog = now;
                LOG.warnf(
                        "apiguard audit: a detector pass did not complete, the next one retries (nothing dropped): %s",
                        e.toString());
            }
            LOG.debugf(e, "apiguard audit: detector pass did not complete");
        }
    }

    private void prune(long now) {
        try {
            // Rows stay until every sink and the detectors are past them.
            Map<String, Long> positions = store.positions();
            long upTo = positions.getOrDefault(AlertConsumer.CURSOR, 0L);
            for (SinkDispatcher sink : sinks) {
                upTo = Math.min(upTo, positions.getOrDefault(sink.name(), 0L));
            }
            int deleted = store.prune(upTo, now - settings.retentionHours() * 3_600_000L);
            if (deleted > 0) {
                LOG.debugf(
                        "apiguard audit: pruned %d delivered record(s) older than %d h",
                        deleted, settings.retentionHours());
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "apiguard audit: pruning did not complete");
        }
    }
}
