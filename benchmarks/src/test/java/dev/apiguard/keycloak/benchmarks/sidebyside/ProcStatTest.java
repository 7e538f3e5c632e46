package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void cpuMillisWhenCommandHoldsSpacesAndParenthesesThenCountsFromTheLastOne() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String line = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 0 0 20 0 50 0 1000 0 0";

        assertThat(ProcStat.cpuMillisOf(line)).isEqualTo((1234 + 566) * 10L);
    }

    @Test
    void cpuMillisOfOwnProcessIsReadable() {
        assertThat(ProcStat.cpuMillis(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void cpuMillisWhenNotAStatLineThenRefused() {
        assertThatThrownBy(() -> ProcStat.cpuMillisOf("garbage")).hasMessageContaining("no ')'");
        assertThatThrownBy(() -> ProcStat.cpuMillisOf("1 (x) S 1 2")).hasMessageContaining("at least 13");
    }
}
