package dev.apiguard.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker in front of the shared state, on a clock the test moves. */
class SharedBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SharedBreaker breaker = new SharedBreaker(now::get);
    private final Store store = new Store();
    private final SharedSlots guarded = breaker.guard(store);

    @Test
    void claimWhenTheStoreAnswersThenItsAnswerAndTheBreakerStaysClosed() {
        assertThat(guarded.claim("a", 1)).isTrue();
        store.answer = false;
        assertThat(guarded.claim("a", 1)).isFalse();
        assertThat(store.calls).hasValue(2);
        assertThat(breaker.open()).isFalse();
        assertThat(guarded.nodes()).isEqualTo(3);
    }

    @Test
    void claimAfterAFailureThenNotAskedUntilTheRetryPeriodEndsThenOneRetryClosesIt() {
        store.failure = new IllegalStateException("ISPN000427: Timeout after 15 seconds waiting for acks");
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        store.failure = null;

        for (int i = 0; i < 100; i++) {
            now.addAndGet(SharedBreaker.RETRY_NANOS / 200);
            assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        }
        assertThat(store.calls).as("asked only once in the period").hasValue(1);
        assertThat(breaker.open()).isTrue();

        now.addAndGet(SharedBreaker.RETRY_NANOS);
        assertThat(guarded.claim("a", 1)).isTrue();
        assertThat(breaker.open()).isFalse();
        assertThat(guarded.claim("b", 1)).isTrue();
        assertThat(store.calls).hasValue(3);
    }

    @Test
    void claimWhenTheRetryFailsThenOpenForAnotherPeriodFromTheFailure() {
        store.failure = new IllegalStateException("down");
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        now.addAndGet(SharedBreaker.RETRY_NANOS);

        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        now.addAndGet(SharedBreaker.RETRY_NANOS - 1);
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(SharedBreaker.OPEN);
        assertThat(store.calls).hasValue(2);
    }

    @Test
    void claimWhileTheRetryIsUnderWayThenOtherRequestsDecideAloneAtOnce() throws Exception {
        store.failure = new IllegalStateException("down");
        assertThatThrownBy(() -> guarded.claim("a", 1)).isSameAs(store.failure);
        store.failure = null;
        now.addAndGet(SharedBreaker.RETRY_NANOS);
        store.hold = new CountDownLatch(1);
        store.entered = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<Boolean> retry = pool.submit(() -> guarded.claim("a", 1));
            assertThat(store.entered.await(10, TimeUnit.SECONDS))
                    .as("the retry reached the store")
                    .isTrue();
            List<Future<Boolean>> others = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                others.add(pool.submit(() -> guarded.claim("a", 1)));
            }
            for (Future<Boolean> other : others) {
                assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS)).hasCauseReference(SharedBreaker.OPEN);
            }
            store.hold.countDown();
            assertThat(retry.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.calls).as("the failure and the one retry").hasValue(2);
        assertThat(breaker.open()).isFalse();
    }

    @Test
    void decideWhenTheBreakerIsOpenThenTheRequestIsDecidedWithThisNodesShareWithoutAskingTheStore() throws Exception {
        RateLimitPolicy policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "rules": [{"name": "clients", "key": "client", "capacity": 9, "rate": "3/s"}]}""");
        RequestFacts request = new RequestFacts(Endpoint.TOKEN, "busy", null, "10.0.0.1", null);
        store.failure = new IllegalStateException("down");
        long wall = 1_796_000_000_000_000_000L;

        Decision first = RateLimiter.decide(policy, request, wall, guarded);
        int asked = store.calls.get();
        int admitted = first.refused() ? 0 : 1;
        for (int i = 1; i < 20; i++) {
            admitted += RateLimiter.decide(policy, request, wall, guarded).refused() ? 0 : 1;
        }

        assertThat(store.calls).as("not asked while open").hasValue(asked);
        assertThat(admitted).as("this node's 1/3 share of a capacity of 9").isEqualTo(3);
    }

    /** A shared store that answers, fails, or holds the caller, and counts the calls; 3 nodes. */
    private static final class Store implements SharedSlots {
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile boolean answer = true;
        volatile RuntimeException failure;
        volatile CountDownLatch hold;

        @Override
        public boolean claim(String name, long lifespanSeconds) {
            calls.incrementAndGet();
            entered.countDown();
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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
