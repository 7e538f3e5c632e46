package dev.apiguard.resourceserver.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InMemoryDpopReplayStoreTest {

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T12:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void markUsedWhenSameKeyTwiceThenSecondIsAReplay() {
        MovingClock clock = new MovingClock();
        InMemoryDpopReplayStore store = new InMemoryDpopReplayStore(10, clock);

        assertThat(store.markUsed("jkt:jti-1", clock.instant().plusSeconds(90))).isTrue();
        assertThat(store.markUsed("jkt:jti-1", clock.instant().plusSeconds(90))).isFalse();
        assertThat(store.markUsed("jkt:jti-2", clock.instant().plusSeconds(90))).isTrue();
    }

    @Test
    void markUsedWhenFullOfLiveEntriesThenRefusesRatherThanForgetting() {
        MovingClock clock = new MovingClock();
        InMemoryDpopReplayStore store = new InMemoryDpopReplayStore(3, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(store.markUsed("k" + i, clock.instant().plusSeconds(90))).isTrue();
        }

        assertThat(store.markUsed("k3", clock.instant().plusSeconds(90)))
                .as("full: fail closed")
                .isFalse();
        assertThat(store.markUsed("k0", clock.instant().plusSeconds(90)))
                .as("k0 is still remembered")
                .isFalse();
    }

    @Test
    void markUsedWhenEntriesExpiredThenRoomIsMadeAndOldKeysAreAcceptedAgain() {
        MovingClock clock = new MovingClock();
        InMemoryDpopReplayStore store = new InMemoryDpopReplayStore(3, clock);
        for (int i = 0; i < 3; i++) {
            store.markUsed("k" + i, clock.instant().plusSeconds(90));
        }

        clock.advance(Duration.ofSeconds(91));

        assertThat(store.markUsed("k3", clock.instant().plusSeconds(90))).isTrue();
        assertThat(store.markUsed("k0", clock.instant().plusSeconds(90))).isTrue();
        assertThat(store.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void constructorWhenMaxEntriesOutOfRangeThenRefusedNamingTheRange() {
        assertThatThrownBy(() -> new InMemoryDpopReplayStore(0, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 10000000");
    }
}
