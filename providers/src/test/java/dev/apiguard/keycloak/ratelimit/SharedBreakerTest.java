package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker in front of the shared state, on a clock the test moves and an executor it drains. */
class SharedBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final SharedBreaker breaker = new SharedBreaker(now::get, background::add);
    private final Store store = new Store();
    private final AtomicInteger retries = new AtomicInteger();
    private volatile RuntimeException retryFailure;
    private final SharedSlots guarded = breaker.guard(store, () -> {
        retries.incrementAndGet();
        if (retryFailure != null) {
            throw retryFailure;
        }
    });

    @Test
    void claimWhenTheStoreAnswersThenItsAnswerAndTheBreakerStaysClosed() {
        assertThat(guarded.claim("a", 1)).isTrue();
        store.answer = false;
        assertThat(guarded.claim("a", 1)).isFalse();
        assertThat(store.calls).hasValue(2);
        assertThat(breaker.open()).isFalse();
        assertThat(background).isEmpty();
        assertThat(guarded.nodes()).isEqualTo(3);
    }

    @Test
    void claimAfterAFailureThenNoRequestAsksTheStoreAndOneRetryInTheBackgroundClosesIt() {
        store.failure = new IllegalStateException("ISPN000427: Timeout after 15 seconds waiting for acks");
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        store.failure = null;

        for (int i = 0; i < 100; i++) {
            now.addAndGet(SharedBreaker.RETRY_NANOS / 50);
            assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        }
        assertThat(store.calls)
                .as("requests never ask the store while it is open")
                .hasValue(1);
        assertThat(background)
                .as("one retry started, however many requests came after the period")
                .hasSize(1);
        assertThat(breaker.open()).isTrue();

        background.poll().run();

        assertThat(retries).hasValue(1);
        assertThat(breaker.open()).isFalse();
        assertThat(guarded.claim("b", 1)).isTrue();
        assertThat(store.calls).hasValue(2);
    }

    @Test
    void retryWhenTheStoreStillFailsThenOpenAnotherPeriodThenAnotherRetry() {
        store.failure = new IllegalStateException("down");
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        now.addAndGet(SharedBreaker.RETRY_NANOS);
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        retryFailure = new IllegalStateException("still down");

        background.poll().run();

        assertThat(breaker.open()).isTrue();
        now.addAndGet(SharedBreaker.RETRY_NANOS - 1);
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        assertThat(background).as("no retry before the period ends").isEmpty();
        now.addAndGet(1);
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        assertThat(background).hasSize(1);
        assertThat(store.calls)
                .as("requests asked the store once, when it first failed")
                .hasValue(1);
    }

    @Test
    void retryWhenTheExecutorRefusesThenTriedAgainAfterAPeriod() {
        AtomicInteger refused = new AtomicInteger();
        SharedBreaker refusing = new SharedBreaker(now::get, task -> {
            refused.incrementAndGet();
            throw new RejectedExecutionException("shut down");
        });
        SharedSlots slots = refusing.guard(store, () -> {});
        store.failure = new IllegalStateException("down");
        assertThatThrownBy(() -> slots.claim("a", 1)).isSameAs(store.failure);
        now.addAndGet(SharedBreaker.RETRY_NANOS);

        assertThatThrownBy(() -> slots.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        assertThatThrownBy(() -> slots.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        now.addAndGet(SharedBreaker.RETRY_NANOS);
        assertThatThrownBy(() -> slots.claim("a", 1)).isSameAs(SharedBreaker.OPEN);

        assertThat(refused).hasValue(2);
    }

    @Test
    void decideWhenTheBreakerIsOpenThenTheRequestIsDecidedWithThisNodesShareWithoutAskingTheStore() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "clients", "key": "client", "capacity": 9, "rate": "3/s"}]}""");
        RequestFacts request = new RequestFacts(Endpoint.TOKEN, "busy", null, "10.0.0.1", null);
        store.failure = new IllegalStateException("down");
        long wall = 1_796_000_000_000_000_000L;

        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += RateLimiter.decide(policy, request, wall, guarded).refused() ? 0 : 1;
        }

        assertThat(store.calls).as("asked once: the failure opened the breaker").hasValue(1);
        assertThat(admitted).as("this node's 1/3 share of a capacity of 9").isEqualTo(3);
    }

    /** A shared store that answers or fails, and counts the calls; 3 nodes. */
    private static final class Store implements SharedSlots {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean answer = true;
        volatile RuntimeException failure;

        @Override
        public boolean claim(String name, long lifespanSeconds) {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return answer;
        }

        @Override
        public int nodes() {
            return 3;
        }
    }
}
