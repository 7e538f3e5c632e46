package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the measured rounds say, per grant: each target's median requests/s, p50, p99 and CPU per
 * request over the rounds, and the ratios of the compared pairs (API Guard over each stock target;
 * with {@code --variants}, the demo realm and its copies over one another).
 *
 * <p>A ratio is the median of the per-round ratios (round k of the subject over round k of the
 * baseline): rounds alternate, so each pair ran seconds apart and slow drifts of the machine cancel.
 */
public final class Summary {

    /** One target's medians for one grant. */
    public record Figures(
            double requestsPerSecond,
            double p50Millis,
            double p99Millis,
            double cpuMillisPerRequest,
            long errors,
            int rounds) {}

    /**
     * A pair of targets to compare: {@code subject}'s throughput over {@code baseline}'s.
     *
     * @param question what the ratio answers, or empty
     * @param goal     the smallest throughput ratio that meets the question's goal, or {@code NaN} for none
     */
    public record Comparison(String subject, String baseline, String question, double goal) {

        /** A comparison without a question or a goal. */
        public static Comparison of(String subject, String baseline) {
            return new Comparison(subject, baseline, "", Double.NaN);
        }

        /** {@code subject / baseline}, as printed and written. */
        public String label() {
            return subject + " / " + baseline;
        }
    }

    /** What the rounds say about a comparison's goal. */
    public enum Verdict {
        /** The whole 95% interval of the throughput ratio is at or above the goal. */
        MET("met"),
        /** The whole 95% interval is below the goal. */
        NOT_MET("NOT met"),
        /** The interval holds the goal, or there were too few rounds for one: more rounds may settle it. */
        UNSETTLED("unsettled");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /** As printed and written. */
        public String label() {
            return label;
        }
    }

    /**
     * A subject's throughput over a baseline's, and its CPU per request over the baseline's.
     *
     * @param over        the baseline
     * @param throughput  median of per-round requests/s ratios (above 1: the subject serves more)
     * @param cpu         median of per-round CPU-per-request ratios (above 1: the subject uses more CPU);
     *     {@code NaN} when no round measured both targets' CPU ({@code --pairing together})
     * @param interval    where the throughput ratio's median lies with 95% confidence, from the same
     *     per-round ratios ({@link Stats#medianInterval}); empty with fewer than 6 paired rounds
     * @param cpuInterval the same for the CPU-per-request ratio; empty with fewer than 6 rounds that
     *     measured both targets' CPU
     * @param pairs       the number of paired rounds
     */
    public record Ratio(
            String grant,
            Comparison comparison,
            double throughput,
            double cpu,
            Optional<Stats.Interval> interval,
            Optional<Stats.Interval> cpuInterval,
            int pairs) {

        public String subject() {
            return comparison.subject();
        }

        public String over() {
            return comparison.baseline();
        }

        /** Whether the median throughput ratio meets the comparison's goal; empty when it has none. */
        public Optional<Boolean> meetsGoal() {
            return Double.isNaN(comparison.goal()) ? Optional.empty() : Optional.of(throughput >= comparison.goal());
        }

        /**
         * Whether the rounds settle the goal either way: {@link Verdict#MET} or {@link Verdict#NOT_MET}
         * when the 95% interval lies wholly on one side of it, else {@link Verdict#UNSETTLED} (also
         * with fewer than 6 paired rounds, whatever the median says); empty when there is no goal.
         */
        public Optional<Verdict> verdict() {
            double goal = comparison.goal();
            if (Double.isNaN(goal)) {
                return Optional.empty();
            }
            if (interval.isEmpty()) {
                return Optional.of(Verdict.UNSETTLED);
            }
            Stats.Interval range = interval.get();
            if (range.low() >= goal) {
                return Optional.of(Verdict.MET);
            }
            return Optional.of(range.high() < goal ? Verdict.NOT_MET : Verdict.UNSETTLED);
        }
    }

    private final Map<Grant, Map<String, Figures>> figures;
    private final List<Ratio> ratios;

    private Summary(Map<Grant, Map<String, Figures>> figures, List<Ratio> ratios) {
        this.figures = figures;
        this.ratios = ratios;
    }

    /** Summarises {@code rounds}; {@code subject} is the target compared, {@code baselines} the ones it is compared to. */
    public static Summary of(List<RoundResult> rounds, List<String> targets, String subject, List<String> baselines) {
        return of(
                rounds,
                targets,
                baselines.stream().map(b -> Comparison.of(subject, b)).toList());
    }

    /** Summarises {@code rounds}, with the ratios of {@code comparisons} per grant, in their order. */
    public static Summary of(List<RoundResult> rounds, List<String> targets, List<Comparison> comparisons) {
        Map<Grant, Map<String, Figures>> figures = new LinkedHashMap<>();
        List<Ratio> ratios = new ArrayList<>();
        for (Grant grant : Grant.values()) {
            Map<String, Figures> perTarget = new LinkedHashMap<>();
            for (String target : targets) {
                List<RoundResult> own = select(rounds, target, grant);
                if (!own.isEmpty()) {
                    perTarget.put(
                            target,
                            new Figures(
                                    Stats.median(own.stream()
                                            .map(RoundResult::requestsPerSecond)
                                            .toList()),
                                    Stats.median(own.stream()
                                            .map(RoundResult::p50Millis)
                                            .toList()),
                                    Stats.median(own.stream()
                                            .map(RoundResult::p99Millis)
                                            .toList()),
                                    medianOrNaN(own.stream()
                                            .map(RoundResult::cpuMillisPerRequest)
                                            .filter(Double::isFinite)
                                            .toList()),
                                    own.stream().mapToLong(RoundResult::errors).sum(),
                                    own.size()));
                }
            }
            if (perTarget.isEmpty()) {
                continue;
            }
            figures.put(grant, perTarget);
            for (Comparison comparison : comparisons) {
                pairedRatio(rounds, grant, comparison).ifPresent(ratios::add);
            }
        }
        return new Summary(figures, ratios);
    }

    private static Optional<Ratio> pairedRatio(List<RoundResult> rounds, Grant grant, Comparison comparison) {
        String subject = comparison.subject();
        String baseline = comparison.baseline();
        List<Double> throughput = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (RoundResult mine : select(rounds, subject, grant)) {
            for (RoundResult theirs : select(rounds, baseline, grant)) {
                if (theirs.round() == mine.round() && theirs.requestsPerSecond() > 0) {
                    throughput.add(mine.requestsPerSecond() / theirs.requestsPerSecond());
                    // Not with --pairing together: one server's CPU is not split between its realms.
                    if (Double.isFinite(mine.cpuMillisPerRequest())
                            && Double.isFinite(theirs.cpuMillisPerRequest())
                            && theirs.cpuMillisPerRequest() > 0) {
                        cpu.add(mine.cpuMillisPerRequest() / theirs.cpuMillisPerRequest());
                    }
                }
            }
        }
        if (throughput.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Ratio(
                grant.id(),
                comparison,
                Stats.median(throughput),
                medianOrNaN(cpu),
                Stats.medianInterval(throughput),
                Stats.medianInterval(cpu),
                throughput.size()));
    }

    /** {@code value} in {@code format}, or {@code -} when it was not measured ({@code NaN}). */
    static String orDash(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(format, value);
    }

    /** The median, or {@code NaN} for no values (CPU per request, not measured per realm with --pairing together). */
    private static double medianOrNaN(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Stats.median(values);
    }

    private static List<RoundResult> select(List<RoundResult> rounds, String target, Grant grant) {
        return rounds.stream()
                .filter(r -> r.target().equals(target) && r.grant() == grant)
                .toList();
    }

    /** Per grant, per target (in the targets' order): the medians. */
    public Map<Grant, Map<String, Figures>> figures() {
        return figures;
    }

    public List<Ratio> ratios() {
        return ratios;
    }

    /** A plain-text table of the figures and the ratios, for the console. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%-19s %-18s %10s %9s %9s %12s %7s%n",
                "grant", "server", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "errors"));
        figures.forEach((grant, perTarget) -> perTarget.forEach((target, f) -> out.append(String.format(
                "%-19s %-18s %10.1f %9.2f %9.2f %12s %7d%n",
                grant.id(),
                target,
                f.requestsPerSecond(),
                f.p50Millis(),
                f.p99Millis(),
                orDash("%.3f", f.cpuMillisPerRequest()),
                f.errors()))));
        out.append(String.format(
                "%n%-19s %-38s %12s %17s %12s %17s%n",
                "grant", "ratio", "throughput", "95% interval", "CPU/request", "95% interval"));
        for (Ratio ratio : ratios) {
            out.append(String.format(
                    "%-19s %-38s %11.2fx %17s %12s %17s%s%n",
                    ratio.grant(),
                    ratio.comparison().label(),
                    ratio.throughput(),
                    ratio.interval()
                            .map(i -> String.format("%.2fx-%.2fx", i.low(), i.high()))
                            .orElse("(< 6 rounds)"),
                    orDash("%.2fx", ratio.cpu()),
                    ratio.cpuInterval()
                            .map(i -> String.format("%.2fx-%.2fx", i.low(), i.high()))
                            .orElse(Double.isNaN(ratio.cpu()) ? "-" : "(< 6 rounds)"),
                    ratio.verdict()
                            .map(verdict -> String.format(
                                    "   goal >= %.2fx %s  (%s)",
                                    ratio.comparison().goal(),
                                    verdict.label(),
                                    ratio.comparison().question()))
                            .orElse("")));
        }
        if (ratios.stream().anyMatch(r -> r.verdict().isPresent())) {
            out.append(String.format(
                    "%nA goal is met or NOT met when the whole 95%% interval of the per-round ratios' median lies on"
                            + " one side of it;%nunsettled when the interval holds the goal or there were fewer than"
                            + " 6 rounds: run more rounds (--rounds).%n"));
        }
        return out.toString();
    }
}
