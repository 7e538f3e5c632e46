package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one target's server CPU goes beyond another's, from a {@code --profile} recording: the
 * samples (JDK 25's CPU-time samples when the recording has them, else execution samples) taken
 * during each round of the two targets (each round's {@code startedAt} and
 * {@code seconds} in the results JSON) are counted per frame, inclusively, and divided by the
 * round's requests. Two targets on the same server (for example {@code apiguard} and
 * {@code plain-ES256} with {@code --variants server}) share one JVM and one recording, so the
 * difference is what one realm does per request beyond the other. Then the CPU time per request
 * by thread ({@link ThreadCpuSplit}): the samples see only Java threads, the process's CPU also
 * holds the garbage collector's and the VM's.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.apiguard.keycloak.benchmarks.sidebyside.ProfileSplit \
 *     RESULTS.json RECORDING.jfr GRANT SUBJECT BASELINE [TOP]
 * </pre>
 */
public final class ProfileSplit {

    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
    /** JDK 25's CPU-time sampler: one sample per 10 ms of a thread's CPU time, which a --profile run records there. */
    private static final String CPU_TIME_SAMPLE = "jdk.CPUTimeSample";

    private static final String CPU_INFORMATION = "jdk.CPUInformation";
    private static final String CPU_LOAD = "jdk.CPULoad";
    private static final String THREAD_CPU_LOAD = "jdk.ThreadCPULoad";

    /** One round of one target: its load ran from {@code start} to {@code end} and served {@code requests}. */
    record Window(String target, Instant start, Instant end, long requests) {}

    /** A frame's inclusive samples per 1,000 requests of the subject and of the baseline. */
    record Row(String frame, double subject, double baseline) {

        double extra() {
            return subject - baseline;
        }
    }

    private final List<Window> windows;
    private final String subject;
    private final String baseline;
    private final Map<String, Long> requests = new HashMap<>();
    private final Map<String, Integer> samples = new HashMap<>();
    private final Map<String, Map<String, Integer>> frames = new HashMap<>();

    ProfileSplit(List<Window> windows, String subject, String baseline) {
        this.windows = List.copyOf(windows);
        this.subject = subject;
        this.baseline = baseline;
        for (String target : List.of(subject, baseline)) {
            frames.put(target, new HashMap<>());
            samples.put(target, 0);
            requests.put(target, 0L);
        }
        for (Window window : this.windows) {
            requests.merge(window.target(), window.requests(), Long::sum);
        }
    }

    /**
     * The rounds of {@code grant} for the two targets, warm-up and measured, from the results JSON.
     * Results written before rounds carried {@code startedAt} cannot be split.
     */
    static List<Window> windows(JsonNode results, String grant, String subject, String baseline) {
        List<Window> windows = new ArrayList<>();
        List<JsonNode> rounds = new ArrayList<>();
        results.path("warmup").path("rounds").forEach(rounds::add);
        results.path("rounds").forEach(rounds::add);
        for (JsonNode round : rounds) {
            String target = round.path("target").asText();
            if (!round.path("grant").asText().equals(grant) || !(target.equals(subject) || target.equals(baseline))) {
                continue;
            }
            if (!round.hasNonNull("startedAt")) {
                throw new IllegalArgumentException("the results have no startedAt per round: measure again with"
                        + " this version of the benchmark");
            }
            Instant start = Instant.parse(round.get("startedAt").asText());
            long millis = Math.round(round.path("seconds").asDouble() * 1000);
            windows.add(new Window(
                    target,
                    start,
                    start.plusMillis(millis),
                    round.path("requests").asLong()));
        }
        for (String target : List.of(subject, baseline)) {
            if (windows.stream().noneMatch(w -> w.target().equals(target))) {
                throw new IllegalArgumentException("no " + grant + " round of " + target + " in the results");
            }
        }
        return windows;
    }

    /** Counts one sample taken at {@code time} with {@code stack} (innermost frame first), if a window holds it. */
    void accept(Instant time, List<String> stack) {
        String target = null;
        for (Window window : windows) {
            if (!time.isBefore(window.start()) && !time.isAfter(window.end())) {
                target = window.target();
                break;
            }
        }
        if (target == null) {
            return;
        }
        samples.merge(target, 1, Integer::sum);
        Map<String, Integer> counts = frames.get(target);
        // Inclusive: a frame counts once per sample, however often it recurses.
        for (String frame : new HashSet<>(stack)) {
            counts.merge(frame, 1, Integer::sum);
        }
    }

    /** Samples per 1,000 requests of {@code target}, all frames. */
    double perThousand(String target) {
        return perThousand(samples.get(target), target);
    }

    long requests(String target) {
        return requests.get(target);
    }

    /** The {@code top} frames whose samples per 1,000 requests grew most from the baseline to the subject. */
    List<Row> rows(int top) {
        Set<String> names = new HashSet<>(frames.get(subject).keySet());
        names.addAll(frames.get(baseline).keySet());
        return names.stream()
                .map(name -> new Row(
                        name,
                        perThousand(frames.get(subject).getOrDefault(name, 0), subject),
                        perThousand(frames.get(baseline).getOrDefault(name, 0), baseline)))
                .sorted(Comparator.comparingDouble(Row::extra).reversed().thenComparing(Row::frame))
                .limit(top)
                .toList();
    }

    private double perThousand(int count, String target) {
        long served = requests.get(target);
        return served == 0 ? 0 : 1000.0 * count / served;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5 || args.length > 6) {
            System.err.println("usage: ProfileSplit RESULTS.json RECORDING.jfr GRANT SUBJECT BASELINE [TOP]");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        String grant = args[2];
        String subject = args[3];
        String baseline = args[4];
        int top = args.length == 6 ? Integer.parseInt(args[5]) : 40;
        List<Window> windows = windows(results, grant, subject, baseline);
        ProfileSplit execution = new ProfileSplit(windows, subject, baseline);
        ProfileSplit cpuTime = new ProfileSplit(windows, subject, baseline);
        boolean hasCpuTime = false;
        List<RecordedEvent> loads = new ArrayList<>();
        int cpus = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[1]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (type.equals(CPU_INFORMATION)) {
                    cpus = event.getInt("hwThreads");
                } else if (type.equals(CPU_LOAD) || type.equals(THREAD_CPU_LOAD)) {
                    loads.add(event);
                }
                boolean cpuSample = type.equals(CPU_TIME_SAMPLE);
                if (!(cpuSample || type.equals(EXECUTION_SAMPLE)) || event.getStackTrace() == null) {
                    continue;
                }
                List<String> stack = new ArrayList<>();
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    if (frame.isJavaFrame()) {
                        stack.add(frame.getMethod().getType().getName() + "."
                                + frame.getMethod().getName());
                    }
                }
                hasCpuTime |= cpuSample;
                (cpuSample ? cpuTime : execution).accept(event.getStartTime(), stack);
            }
        }
        // CPU-time samples (JDK 25) count a thread's CPU time wherever it runs; execution samples only
        // threads found running Java code, at most a few per period.
        ProfileSplit split = hasCpuTime ? cpuTime : execution;
        System.out.printf(
                Locale.ROOT,
                "%s samples (%s)%n",
                hasCpuTime ? CPU_TIME_SAMPLE : EXECUTION_SAMPLE,
                hasCpuTime ? "one per 10 ms of a thread's CPU time" : "Java code on Java threads");
        System.out.printf(
                Locale.ROOT,
                "%s: %s %.1f samples per 1,000 requests (%d requests), %s %.1f (%d requests)%n",
                grant,
                subject,
                split.perThousand(subject),
                split.requests(subject),
                baseline,
                split.perThousand(baseline),
                split.requests(baseline));
        System.out.printf(
                Locale.ROOT, "%9s %9s %9s  frame (inclusive, per 1,000 requests)%n", subject, baseline, "extra");
        for (Row row : split.rows(top)) {
            System.out.printf(
                    Locale.ROOT, "%9.1f %9.1f %9.1f  %s%n", row.subject(), row.baseline(), row.extra(), row.frame());
        }
        if (loads.stream().noneMatch(e -> e.getEventType().getName().equals(THREAD_CPU_LOAD))) {
            System.out.println("(no jdk.ThreadCPULoad events: record again with this version of the benchmark for CPU"
                    + " by thread)");
            return;
        }
        // Each thread's load covers the time since its previous event: feed them in time order.
        loads.sort(Comparator.comparing(RecordedEvent::getEndTime));
        ThreadCpuSplit threads = new ThreadCpuSplit(windows, subject, baseline, cpus);
        for (RecordedEvent event : loads) {
            if (event.getEventType().getName().equals(CPU_LOAD)) {
                threads.acceptProcess(event.getEndTime(), event.getFloat("jvmUser"), event.getFloat("jvmSystem"));
            } else if (event.getThread("eventThread") != null) {
                threads.acceptThread(
                        event.getEndTime(),
                        event.getThread("eventThread").getJavaThreadId(),
                        event.getThread("eventThread").getJavaName(),
                        event.getFloat("user"),
                        event.getFloat("system"));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%n%9s %9s %9s  CPU microseconds per request, by thread (jdk.CPULoad, jdk.ThreadCPULoad)%n",
                subject,
                baseline,
                "extra");
        for (ThreadCpuSplit.Row row : threads.rows(top)) {
            System.out.printf(
                    Locale.ROOT, "%9.1f %9.1f %9.1f  %s%n", row.subject(), row.baseline(), row.extra(), row.threads());
        }
    }
}
