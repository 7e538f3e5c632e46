package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadCpuSplitTest {

    private static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");
    private static final double EPSILON = 1e-6;

    /** apiguard: 10 s from T0, 1,000 requests; plain-ES256: 10 s from T0 + 10 s, 2,000 requests. */
    private static ThreadCpuSplit split() {
        return new ThreadCpuSplit(
                List.of(
                        new ProfileSplit.Window("apiguard", T0, T0.plusSeconds(10), 1000),
                        new ProfileSplit.Window("plain-ES256", T0.plusSeconds(10), T0.plusSeconds(20), 2000)),
                "apiguard",
                "plain-ES256",
                2);
    }

    @Test
    void rowsWhenLoadsFallInRoundsThenCpuPerRequestByThreadGroupAndTheRestOutsideJavaThreads() {
        ThreadCpuSplit split = split();
        // apiguard: seconds 1-2 and 2-3 covered (the process at 50% of 2 CPUs, so 1 CPU second each).
        split.acceptProcess(T0.plusSeconds(1), 0.4, 0.1);
        split.acceptProcess(T0.plusSeconds(2), 0.4, 0.1);
        split.acceptProcess(T0.plusSeconds(3), 0.4, 0.1);
        // Two worker threads (one group) at 20% of the machine each over seconds 2-3 (0.4 s each).
        split.acceptThread(T0.plusSeconds(2), 11, "executor-thread-1", 0.1, 0.0);
        split.acceptThread(T0.plusSeconds(3), 11, "executor-thread-1", 0.15, 0.05);
        split.acceptThread(T0.plusSeconds(3), 12, "executor-thread-12", 0.2, 0.0);
        // plain-ES256: one interval, the process at 25% (0.5 CPU seconds), a compiler thread at 5%.
        split.acceptProcess(T0.plusSeconds(15), 0.25, 0.0);
        split.acceptProcess(T0.plusSeconds(16), 0.25, 0.0);
        split.acceptThread(T0.plusSeconds(16), 21, "C2 CompilerThread0", 0.05, 0.0);

        List<ThreadCpuSplit.Row> rows = split.rows(5);

        assertThat(rows)
                .extracting(ThreadCpuSplit.Row::threads)
                .containsExactly(
                        ThreadCpuSplit.PROCESS, ThreadCpuSplit.OUTSIDE, "executor-thread-N", "C2 CompilerThreadN");
        // apiguard: the first process event has no predecessor and covers second 0-1 as well: 3 CPU seconds
        // over 3 of 10 s of 1,000 requests (300 requests), 10,000 us each.
        assertThat(rows.get(0).subject()).isCloseTo(10_000, within(EPSILON));
        // plain-ES256: the event at 15 s covers 3-15 s (not in one round), the one at 16 s 0.5 CPU seconds over
        // 1 of 10 s of 2,000 requests (200 requests): 2,500 us.
        assertThat(rows.get(0).baseline()).isCloseTo(2_500, within(EPSILON));
        // Workers: thread 11's first event covers 1-2 s (0.2 CPU s), its second 0.4 CPU s, thread 12's (from 2 s) 0.4.
        assertThat(rows.get(2).subject()).isCloseTo(1e6 / 300, within(EPSILON));
        assertThat(rows.get(2).baseline()).isZero();
        assertThat(rows.get(3).baseline()).isCloseTo(0.1 * 1e6 / 200, within(EPSILON));
        assertThat(rows.get(1).subject()).isCloseTo(10_000 - 1e6 / 300, within(EPSILON));
        assertThat(rows.get(1).baseline()).isCloseTo(2_500 - 500, within(EPSILON));
        assertThat(rows.get(1).extra())
                .isCloseTo(rows.get(1).subject() - rows.get(1).baseline(), within(EPSILON));
    }

    @Test
    void rowsWhenAnIntervalSpansTwoRoundsOrNoneThenNotCounted() {
        ThreadCpuSplit split = split();
        split.acceptProcess(T0.plusSeconds(9), 0.5, 0.0);
        // 9-11 s spans both rounds; 30-31 s lies in none.
        split.acceptProcess(T0.plusSeconds(11), 0.5, 0.0);
        split.acceptThread(T0.plusSeconds(30), 1, "executor-thread-1", 0.5, 0.0);

        List<ThreadCpuSplit.Row> rows = split.rows(5);

        assertThat(rows.get(0).subject()).isCloseTo(1e6 / 100, within(EPSILON));
        assertThat(rows.get(0).baseline()).isZero();
        assertThat(rows)
                .extracting(ThreadCpuSplit.Row::threads)
                .containsExactly(ThreadCpuSplit.PROCESS, ThreadCpuSplit.OUTSIDE);
    }

    @Test
    void constructorWhenNoCpuCountThenRefused() {
        assertThatThrownBy(() -> new ThreadCpuSplit(List.of(), "a", "b", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdk.CPUInformation");
    }
}
