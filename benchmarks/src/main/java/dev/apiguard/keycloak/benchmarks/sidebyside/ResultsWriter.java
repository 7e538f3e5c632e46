package dev.apiguard.keycloak.benchmarks.sidebyside;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a run's results as JSON (and any text file) atomically: a reader never sees half a file. */
public final class ResultsWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsWriter() {}

    /** The JSON document of a run. {@code context} holds machine, versions and settings, written first. */
    public static String json(
            Map<String, Object> context,
            List<RoundResult> warmup,
            boolean settled,
            List<RoundResult> measured,
            Summary summary) {
        Map<String, Object> root = new LinkedHashMap<>(context);
        root.put("warmup", Map.of("settled", settled, "rounds", rows(warmup)));
        root.put("rounds", rows(measured));
        Map<String, Object> figures = new LinkedHashMap<>();
        summary.figures().forEach((grant, perTarget) -> {
            Map<String, Object> byTarget = new LinkedHashMap<>();
            perTarget.forEach((target, f) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("requestsPerSecond", round(f.requestsPerSecond(), 1));
                row.put("p50Millis", round(f.p50Millis(), 3));
                row.put("p99Millis", round(f.p99Millis(), 3));
                row.put("cpuMillisPerRequest", round(f.cpuMillisPerRequest(), 4));
                row.put("errors", f.errors());
                row.put("rounds", f.rounds());
                byTarget.put(target, row);
            });
            figures.put(grant.id(), byTarget);
        });
        root.put("medians", figures);
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (Summary.Ratio ratio : summary.ratios()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("grant", ratio.grant());
            row.put("ratio", ratio.comparison().label());
            row.put("throughput", round(ratio.throughput(), 3));
            row.put("cpuPerRequest", round(ratio.cpu(), 3));
            if (!ratio.comparison().question().isEmpty()) {
                row.put("question", ratio.comparison().question());
            }
            row.put("pairedRounds", ratio.pairs());
            ratio.interval().ifPresent(interval -> row.put("throughputInterval", range(interval)));
            ratio.cpuInterval().ifPresent(interval -> row.put("cpuInterval", range(interval)));
            ratio.meetsGoal().ifPresent(met -> {
                row.put("goal", ratio.comparison().goal());
                row.put("meetsGoal", met);
            });
            ratio.verdict().ifPresent(verdict -> row.put("verdict", verdict.label()));
            ratios.add(row);
        }
        root.put("ratios", ratios);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results as JSON", e);
        }
    }

    private static List<Map<String, Object>> rows(List<RoundResult> rounds) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RoundResult r : rounds) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("round", r.round());
            row.put("target", r.target());
            row.put("grant", r.grant().id());
            row.put("requests", r.requests());
            row.put("errors", r.errors());
            row.put("seconds", round(r.seconds(), 3));
            row.put("requestsPerSecond", round(r.requestsPerSecond(), 1));
            row.put("p50Millis", round(r.p50Millis(), 3));
            row.put("p99Millis", round(r.p99Millis(), 3));
            row.put("cpuMillis", round(r.cpuMillis(), 0));
            row.put("cpuMillisPerRequest", round(r.cpuMillisPerRequest(), 4));
            row.put("startedAt", r.startedAt().toString());
            rows.add(row);
        }
        return rows;
    }

    /** {@code value} to {@code digits} decimals; null (JSON {@code null}) for a value not measured ({@code NaN}). */
    private static Double round(double value, int digits) {
        if (!Double.isFinite(value)) {
            return null;
        }
        double factor = Math.pow(10, digits);
        return Math.round(value * factor) / factor;
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename. */
    public static void writeAtomically(Path file, String text) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Map<String, Object> range(Stats.Interval interval) {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("low", round(interval.low(), 3));
        range.put("high", round(interval.high(), 3));
        range.put("coverage", round(interval.coverage(), 4));
        return range;
    }
}
