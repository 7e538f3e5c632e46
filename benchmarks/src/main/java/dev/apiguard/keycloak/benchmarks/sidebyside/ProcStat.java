package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from Linux's {@code /proc/<pid>/stat} (fields utime and stime). */
public final class ProcStat {

    /** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
    static final long TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** User + system CPU time of process {@code pid} so far, in milliseconds. */
    public static long cpuMillis(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            return cpuMillisOf(Files.readString(stat, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + " (Linux only; is process " + pid + " alive?)", e);
        }
    }

    /**
     * Parses a {@code stat} line. The command name (field 2) is in parentheses and may itself hold
     * spaces and parentheses, so fields are counted from the last {@code ')'}: utime and stime are
     * fields 14 and 15 of the line, so 12th and 13th after it.
     */
    static long cpuMillisOf(String statLine) {
        int end = statLine.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: no ')' after the command name");
        }
        String[] fields = statLine.substring(end + 1).trim().split("\\s+");
        if (fields.length < 13) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + fields.length
                    + " fields after the command name, at least 13 expected");
        }
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000 / TICKS_PER_SECOND;
    }
}
