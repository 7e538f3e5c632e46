package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

/** The detector consumer over an outbox in memory: alerts written as rows with the cursor move, once. */
class AlertConsumerTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long LEASE = 5_000;

    /** An outbox in memory with one cursor; a "transaction" is applied only when {@link #commit} is called. */
    static final class MemoryOutbox implements OutboxStore.CursorTransaction {
        final TreeMap<Long, OutboxRow> rows = new TreeMap<>();
        final List<OutboxRow> appended = new ArrayList<>();
        long position;
        long updatedAt;
        long pendingPosition = -1;
        long clock;
        String document;

        void add(Map<String, Object> record, long createdAt) {
            long seq = rows.isEmpty() ? 1 : rows.lastKey() + 1;
            String id = (String) ((Map<?, ?>) record.get("event")).get("id");
            rows.put(seq, new OutboxRow(seq, id, "realm-id", createdAt, AuditRecords.toJson(record)));
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public List<OutboxRow> after(long from, int limit) {
            return rows.tailMap(from, false).values().stream().limit(limit).toList();
        }

        @Override
        public List<OutboxRow> window(long upTo, long since, int limit) {
            return rows.headMap(upTo, true).values().stream()
                    .filter(r -> r.createdAt() >= since)
                    .toList();
        }

        @Override
        public void save(long newPosition) {
            pendingPosition = newPosition;
            updatedAt = Math.max(clock, updatedAt + 1);
        }

        @Override
        public long updatedAt() {
            return updatedAt;
        }

        @Override
        public void append(String eventId, String realmId, long createdAt, String json) {
            appended.add(new OutboxRow(0, eventId, realmId, createdAt, json));
        }

        @Override
        public String realmAttribute(String realmId, String name) {
            return document;
        }

        void commit() {
            for (OutboxRow row : appended) {
                long seq = rows.lastKey() + 1;
                rows.put(seq, new OutboxRow(seq, row.eventId(), row.realmId(), row.createdAt(), row.json()));
            }
            appended.clear();
            if (pendingPosition >= 0) {
                position = pendingPosition;
            }
            pendingPosition = -1;
        }

        void rollback(long previousUpdatedAt) {
            appended.clear();
            pendingPosition = -1;
            updatedAt = previousUpdatedAt;
        }

        List<Map<String, Object>> alerts() {
            return rows.values().stream()
                    .map(r -> AuditRecords.parse(r.json()))
                    .filter(AlertRecords::isAlert)
                    .toList();
        }
    }

    private static Map<String, Object> failure(String user, long time) {
        Event event = new Event();
        event.setId(UUID.randomUUID().toString());
        event.setTime(time);
        event.setType(EventType.LOGIN_ERROR);
        event.setRealmId("realm-id");
        event.setRealmName("demo");
        event.setClientId("web");
        event.setUserId("id-" + user);
        event.setIpAddress("192.0.2.9");
        event.setError("invalid_user_credentials");
        event.setDetails(Map.of("username", user, "password", "CANARY-pw"));
        return AuditRecords.of(event, Redaction.plain());
    }

    private static void stuff(MemoryOutbox outbox, String prefix, int users, long from) {
        for (int i = 0; i < users; i++) {
            outbox.add(failure(prefix + i, from + i), from + i);
        }
    }

    /** Runs passes until the outbox is drained, as the dispatcher does, committing each. */
    private static List<AlertDetectors.Alert> drain(AlertConsumer consumer, MemoryOutbox outbox, long now) {
        List<AlertDetectors.Alert> all = new ArrayList<>();
        outbox.clock = now;
        boolean more = true;
        while (more) {
            more = consumer.pass(outbox, now);
            outbox.commit();
            all.addAll(consumer.committed());
        }
        return all;
    }

    @Test
    void passWhenAttackInTheOutboxThenOneAlertRowAppendedWithTheCursorMoveAndNoSecret() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0 - 60_000; // cursor made long ago: nobody holds the lease
        stuff(outbox, "victim", 15, T0);
        AlertConsumer consumer = new AlertConsumer(500, 30_000, LEASE);

        List<AlertDetectors.Alert> fired = drain(consumer, outbox, T0 + 1_000);
        drain(consumer, outbox, T0 + 2_000); // the alert row itself is read and not fed back

        assertThat(fired)
                .singleElement()
                .satisfies(a -> assertThat(a.detector()).isEqualTo("credential-stuffing"));
        assertThat(outbox.alerts()).singleElement().satisfies(alert -> {
            assertThat(AlertDetectors.text(alert, "event", "kind")).isEqualTo("alert");
            assertThat(AlertDetectors.text(alert, "event", "action")).isEqualTo("alert-credential-stuffing");
            assertThat(AlertDetectors.text(alert, "source", "ip")).isEqualTo("192.0.2.9");
            assertThat(AlertDetectors.text(alert, "apiguard", "alert", "severity"))
                    .isEqualTo("high");
            assertThat(AlertDetectors.group(alert, "ocsf")).containsEntry("class_uid", 2004);
            assertThat(AuditRecords.toJson(alert)).doesNotContain("CANARY");
        });
        assertThat(outbox.position).isEqualTo(outbox.rows.lastKey());
    }

    @Test
    void passWhenCommitFailsThenNoAlertKeptAndTheRetryWritesItOnceWithTheSameId() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0 - 60_000;
        stuff(outbox, "victim", 12, T0);
        AlertConsumer consumer = new AlertConsumer(500, 30_000, LEASE);
        outbox.clock = T0 + 1_000;

        long before = outbox.updatedAt;
        consumer.pass(outbox, T0 + 1_000);
        String firstId = outbox.appended.get(0).eventId();
        outbox.rollback(before);
        consumer.failed();
        List<AlertDetectors.Alert> retried = drain(consumer, outbox, T0 + 2_000);

        assertThat(retried).hasSize(1);
        assertThat(outbox.alerts())
                .singleElement()
                .satisfies(
                        a -> assertThat(AlertDetectors.text(a, "event", "id")).isEqualTo(firstId));
    }

    @Test
    void passWhenAnotherNodeSavedTheCursorWithinTheLeaseThenThisNodeLeavesTheRows() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0; // saved by another node just now
        stuff(outbox, "victim", 12, T0);
        AlertConsumer consumer = new AlertConsumer(500, 30_000, LEASE);

        List<AlertDetectors.Alert> early = drain(consumer, outbox, T0 + 1_000);

        assertThat(early).isEmpty();
        assertThat(outbox.position).isZero();
        assertThat(drain(consumer, outbox, T0 + LEASE + 1_000)).hasSize(1);
    }

    @Test
    void passWhenTakingOverAfterAnotherNodeAlertedThenTheSameKeyDoesNotAlertAgain() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0 - 60_000;
        stuff(outbox, "a", 12, T0);
        drain(new AlertConsumer(500, 30_000, LEASE), outbox, T0 + 1_000); // node A alerts, then dies
        stuff(outbox, "b", 12, T0 + 2_000);

        AlertConsumer nodeB = new AlertConsumer(500, 30_000, LEASE);
        List<AlertDetectors.Alert> later = drain(nodeB, outbox, T0 + 1_000 + LEASE + 1);

        // The same address goes on (24 users within the hour): the slower spraying detector may speak, stuffing not
        // again.
        assertThat(later).noneMatch(a -> a.detector().equals("credential-stuffing"));
        assertThat(outbox.alerts())
                .filteredOn(a -> "credential-stuffing".equals(AlertDetectors.text(a, "rule", "name")))
                .hasSize(1);
    }

    @Test
    void passWhenWarmUpHoldsPartOfAnAttackThenTheRestCompletesIt() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0 - 60_000;
        stuff(outbox, "v", 6, T0);
        drain(new AlertConsumer(500, 30_000, LEASE), outbox, T0 + 100); // six failures seen, then the node restarts
        stuff(outbox, "w", 4, T0 + 200);

        List<AlertDetectors.Alert> fired = drain(new AlertConsumer(500, 30_000, LEASE), outbox, T0 + 100 + LEASE + 1);

        assertThat(fired).singleElement().satisfies(a -> assertThat(a.count()).isEqualTo(10));
    }

    @Test
    void passWhenRealmDocumentLowersTheThresholdThenItApplies() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.updatedAt = T0 - 60_000;
        outbox.document = "{\"apiVersion\":\"apiguard/v1\",\"detectors\":{\"credential-stuffing\":{\"threshold\":3}}}";
        stuff(outbox, "v", 3, T0);

        assertThat(drain(new AlertConsumer(500, 30_000, LEASE), outbox, T0 + 1_000))
                .hasSize(1);
    }

    @Test
    void relevantWhenRecordCanMatterToADetectorThenTrueElseSkippedUnparsed() {
        Event grant = new Event();
        grant.setId("g");
        grant.setType(EventType.CLIENT_LOGIN);
        grant.setRealmId("realm-id");
        Event removeTotp = new Event();
        removeTotp.setId("r");
        removeTotp.setType(EventType.REMOVE_TOTP);
        removeTotp.setRealmId("realm-id");

        assertThat(AlertConsumer.relevant(AuditRecords.toJson(AuditRecords.of(grant, Redaction.plain()))))
                .isFalse();
        assertThat(AlertConsumer.relevant(AuditRecords.toJson(failure("u", T0))))
                .isTrue();
        assertThat(AlertConsumer.relevant(AuditRecords.toJson(AuditRecords.of(removeTotp, Redaction.plain()))))
                .isTrue();
    }

    @Test
    void policyWhenStoredDocumentBrokenThenDefaultsApply() {
        AlertConsumer consumer = new AlertConsumer(500, 30_000, LEASE);

        assertThat(consumer.policy("r", "{\"apiVersion\":\"apiguard/v1\",\"oops\":1}"))
                .isSameAs(AlertPolicy.DEFAULTS);
        assertThat(consumer.policy("r", null)).isSameAs(AlertPolicy.DEFAULTS);
    }
}
