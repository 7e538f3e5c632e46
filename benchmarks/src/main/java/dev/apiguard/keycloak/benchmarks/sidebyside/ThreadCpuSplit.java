package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where a target's server CPU goes by thread, from a {@code --profile} recording's per-second CPU
 * load events: {@code jdk.CPULoad} for the whole process, {@code jdk.ThreadCPULoad} for each Java
 * thread (the benchmark records both every second). The samples that {@link ProfileSplit} counts
 * are stacks of Java threads; the process's CPU also holds the garbage collector's and the VM's own
 * threads. A thread's load is its share of the
 * machine over the interval since its previous event; an interval counts for a target when one of
 * the target's rounds holds it whole. Threads are grouped by name with each number that ends the
 * name or a part of it replaced by {@code N} ({@code executor-thread-N}, {@code C2 CompilerThreadN};
 * {@code H2} and {@code C2} stay).
 */
final class ThreadCpuSplit {

    /** The process's CPU, all threads. */
    static final String PROCESS = "process (all threads)";

    /** The process's CPU outside the Java threads' events: garbage collection, the VM's threads. */
    static final String OUTSIDE = "not on a Java thread (GC, VM)";

    private static final Pattern NUMBER = Pattern.compile("(?<![A-Z])\\d+(?=$|-)");
    private static final Duration PERIOD = Duration.ofSeconds(1);

    /** CPU time by thread group of a target, and the rounds' time and requests its intervals covered. */
    private static final class Tally {
        final Map<String, Double> cpuSeconds = new HashMap<>();
        double coveredRequests;
    }

    /** A CPU time per request, in microseconds, of one thread group for the subject and the baseline. */
    record Row(String threads, double subject, double baseline) {

        double extra() {
            return subject - baseline;
        }
    }

    private final List<ProfileSplit.Window> windows;
    private final String subject;
    private final String baseline;
    private final int cpus;
    private final Map<String, Tally> tallies = new HashMap<>();
    private final Map<Long, Instant> previous = new HashMap<>();
    private Instant previousProcess;

    /** {@code cpus}: the hardware threads the loads are shares of ({@code jdk.CPUInformation}). */
    ThreadCpuSplit(List<ProfileSplit.Window> windows, String subject, String baseline, int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("the recording names no CPU count (jdk.CPUInformation)");
        }
        this.windows = List.copyOf(windows);
        this.subject = subject;
        this.baseline = baseline;
        this.cpus = cpus;
        tallies.put(subject, new Tally());
        tallies.put(baseline, new Tally());
    }

    /** A {@code jdk.CPULoad} event: the process's user and system load since its previous one. */
    void acceptProcess(Instant time, double jvmUser, double jvmSystem) {
        Instant from = previousProcess == null ? time.minus(PERIOD) : previousProcess;
        previousProcess = time;
        ProfileSplit.Window window = holding(from, time);
        if (window == null) {
            return;
        }
        Tally tally = tallies.get(window.target());
        double seconds = seconds(from, time);
        tally.cpuSeconds.merge(PROCESS, (jvmUser + jvmSystem) * cpus * seconds, Double::sum);
        tally.coveredRequests += window.requests() * seconds / seconds(window.start(), window.end());
    }

    /** A {@code jdk.ThreadCPULoad} event of the Java thread {@code threadId}, named {@code name}. */
    void acceptThread(Instant time, long threadId, String name, double user, double system) {
        Instant last = previous.put(threadId, time);
        Instant from = last == null ? time.minus(PERIOD) : last;
        ProfileSplit.Window window = holding(from, time);
        if (window == null) {
            return;
        }
        String group = name == null ? "(unnamed)" : NUMBER.matcher(name).replaceAll("N");
        tallies.get(window.target()).cpuSeconds.merge(group, (user + system) * cpus * seconds(from, time), Double::sum);
    }

    /**
     * The process first, then the time outside Java threads, then the {@code top} thread groups
     * with the most CPU per request (subject and baseline together); microseconds per request.
     */
    List<Row> rows(int top) {
        TreeSet<String> groups = new TreeSet<>(tallies.get(subject).cpuSeconds.keySet());
        groups.addAll(tallies.get(baseline).cpuSeconds.keySet());
        groups.remove(PROCESS);
        List<Row> threads = groups.stream()
                .map(group -> new Row(group, perRequest(subject, group), perRequest(baseline, group)))
                .sorted(Comparator.comparingDouble((Row row) -> row.subject() + row.baseline())
                        .reversed()
                        .thenComparing(Row::threads))
                .toList();
        Row process = new Row(PROCESS, perRequest(subject, PROCESS), perRequest(baseline, PROCESS));
        double subjectJava = threads.stream().mapToDouble(Row::subject).sum();
        double baselineJava = threads.stream().mapToDouble(Row::baseline).sum();
        Row outside = new Row(OUTSIDE, process.subject() - subjectJava, process.baseline() - baselineJava);
        List<Row> rows = new ArrayList<>(List.of(process, outside));
        rows.addAll(threads.subList(0, Math.min(top, threads.size())));
        return rows;
    }

    /** CPU microseconds per request of {@code target} in {@code group}; 0 when no interval was covered. */
    double perRequest(String target, String group) {
        Tally tally = tallies.get(target);
        if (tally.coveredRequests <= 0) {
            return 0;
        }
        return tally.cpuSeconds.getOrDefault(group, 0.0) * 1e6 / tally.coveredRequests;
    }

    private ProfileSplit.Window holding(Instant from, Instant to) {
        for (ProfileSplit.Window window : windows) {
            if (!from.isBefore(window.start()) && !to.isAfter(window.end())) {
                return window;
            }
        }
        return null;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
