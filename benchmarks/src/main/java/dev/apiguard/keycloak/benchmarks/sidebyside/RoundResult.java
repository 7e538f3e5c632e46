package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.time.Instant;

/**
 * One measured (or warm-up) round of one grant against one target.
 *
 * @param target       the target's name, e.g. {@code stock-RS256}, {@code stock-ES256}, {@code apiguard}
 * @param grant        the grant measured
 * @param round        1-based round number (warm-up and measured rounds are numbered separately)
 * @param requests     successful requests (HTTP 200 with the expected token)
 * @param errors       failed requests (any other status, an I/O error or a timeout)
 * @param seconds      elapsed wall-clock time of the round
 * @param p50Millis    median latency of the successful requests
 * @param p99Millis    99th percentile latency of the successful requests
 * @param cpuMillis    CPU time (user + system) the measured server's JVM used during the round; {@code NaN}
 *                     when other targets of the same server ran at the same time ({@code --pairing together})
 * @param startedAt    when its load began: with {@code seconds}, the window of a profile's samples
 *                     that belong to this round and target ({@code --profile})
 */
public record RoundResult(
        String target,
        Grant grant,
        int round,
        long requests,
        long errors,
        double seconds,
        double p50Millis,
        double p99Millis,
        double cpuMillis,
        Instant startedAt) {

    /** Successful requests per second. */
    public double requestsPerSecond() {
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /** Server CPU per successful request, in milliseconds; {@code NaN} when the round's CPU was not measured. */
    public double cpuMillisPerRequest() {
        if (Double.isNaN(cpuMillis)) {
            return Double.NaN;
        }
        return requests == 0 ? 0 : cpuMillis / requests;
    }
}
