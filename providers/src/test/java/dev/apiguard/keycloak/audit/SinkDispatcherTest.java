package dev.apiguard.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SinkDispatcherTest {

    /** An outbox in memory with one cursor. */
    static final class MemoryOutbox implements OutboxStore.CursorTransaction {
        final TreeMap<Long, OutboxRow> rows = new TreeMap<>();
        long position;

        void add(long seq, long createdAt) {
            rows.put(seq, new OutboxRow(seq, "id-" + seq, "r", createdAt, "{\"n\":" + seq + "}"));
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
        public void save(long newPosition) {
            position = newPosition;
        }
    }

    /** A sink that records what it got and fails while {@code down}. */
    static final class RecordingSink implements AuditSink {
        final List<Long> received = new ArrayList<>();
        boolean down;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public void deliver(List<OutboxRow> rows) throws IOException {
            if (down) {
                throw new IOException("connection refused");
            }
            rows.forEach(r -> received.add(r.seq()));
        }
    }

    @Test
    void passWhenRowsContiguousThenAllDeliveredAndCursorMoved() {
        MemoryOutbox outbox = new MemoryOutbox();
        for (long i = 1; i <= 5; i++) {
            outbox.add(i, 1000);
        }
        RecordingSink sink = new RecordingSink();
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 100, 30_000);

        dispatcher.pass(outbox, 2000);

        assertThat(sink.received).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(outbox.position).isEqualTo(5);
        assertThat(dispatcher.status().delivered()).isEqualTo(5);
    }

    @Test
    void passWhenGapYoungThenRowsAfterDeliveredOnceAndCursorWaitsForTheMissingRow() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.add(1, 1000);
        outbox.add(3, 1000); // 2 is still in an open transaction
        RecordingSink sink = new RecordingSink();
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 100, 30_000);

        dispatcher.pass(outbox, 2000);
        assertThat(outbox.position).isEqualTo(1);
        dispatcher.pass(outbox, 3000);
        assertThat(sink.received).containsExactly(1L, 3L);

        outbox.add(2, 1500); // committed late
        dispatcher.pass(outbox, 4000);

        assertThat(sink.received).containsExactly(1L, 3L, 2L);
        assertThat(outbox.position).isEqualTo(3);
    }

    @Test
    void passWhenGapOlderThanTimeoutThenSkippedAsRolledBack() {
        MemoryOutbox outbox = new MemoryOutbox();
        outbox.add(1, 1000);
        outbox.add(3, 1000);
        RecordingSink sink = new RecordingSink();
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 100, 30_000);

        dispatcher.pass(outbox, 2000);
        dispatcher.pass(outbox, 31_000);

        assertThat(outbox.position).isEqualTo(3);
        assertThat(sink.received).containsExactly(1L, 3L);
    }

    @Test
    void passWhenSinkDownThenCursorStaysBackoffGrowsAndEverythingArrivesWhenUp() {
        MemoryOutbox outbox = new MemoryOutbox();
        for (long i = 1; i <= 3; i++) {
            outbox.add(i, 1000);
        }
        RecordingSink sink = new RecordingSink();
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 100, 30_000);
        sink.down = true;

        dispatcher.pass(outbox, 2000);
        assertThat(outbox.position).isZero();
        assertThat(dispatcher.status().state()).isEqualTo("failing");
        assertThat(dispatcher.status().lastError()).isEqualTo("connection refused");
        assertThat(dispatcher.due(2500)).isFalse();
        assertThat(dispatcher.due(3000)).isTrue();
        dispatcher.pass(outbox, 3000);
        assertThat(dispatcher.due(4500)).isFalse(); // second failure: 2 s
        assertThat(dispatcher.status().consecutiveFailures()).isEqualTo(2);

        sink.down = false;
        dispatcher.pass(outbox, 5000);

        assertThat(sink.received).containsExactly(1L, 2L, 3L);
        assertThat(outbox.position).isEqualTo(3);
        assertThat(dispatcher.status().state()).isEqualTo("ok");
    }

    @Test
    void statusWhenSinkDownSinceStartThenShowsTheCursorItFailedAtNotZero() {
        // A restart (or an upgrade) while the sink is down: the cursor is where the last node left it.
        MemoryOutbox outbox = new MemoryOutbox();
        for (long i = 1; i <= 5; i++) {
            outbox.add(i, 1000);
        }
        outbox.position = 3;
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 100, 30_000);

        dispatcher.pass(outbox, 2000);

        assertThat(dispatcher.status().state()).isEqualTo("failing");
        assertThat(dispatcher.status().position()).isEqualTo(3);
        assertThat(outbox.position).isEqualTo(3);
    }

    @Test
    void passWhenBatchFullThenSaysMoreAndDeliversInOrder() {
        MemoryOutbox outbox = new MemoryOutbox();
        for (long i = 1; i <= 5; i++) {
            outbox.add(i, 1000);
        }
        RecordingSink sink = new RecordingSink();
        SinkDispatcher dispatcher = new SinkDispatcher(sink, 2, 30_000);

        assertThat(dispatcher.pass(outbox, 2000)).isTrue();
        assertThat(dispatcher.pass(outbox, 2000)).isTrue();
        assertThat(dispatcher.pass(outbox, 2000)).isFalse();

        assertThat(sink.received).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
}
