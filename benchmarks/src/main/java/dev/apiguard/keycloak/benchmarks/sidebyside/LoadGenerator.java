package dev.apiguard.keycloak.benchmarks.sidebyside;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load generator: one thread per connection, each with its own {@link HttpClient}
 * (HTTP/1.1 keep-alive, so one connection each), sends its next request as soon as the previous
 * answer has arrived, until the round's deadline or until the workload has no more requests.
 * Latency is measured per operation (one request, or the requests of one login) from the first
 * send to the last full answer.
 */
final class LoadGenerator {

    /** What the workers send and what counts as success; called concurrently for different workers. */
    interface Workload {
        /** Worker {@code worker}'s next request, or {@code null} when it has none left this round. */
        HttpRequest next(int worker);

        /** Whether {@code response} is a success; may keep state from it (the next refresh token). */
        boolean accept(int worker, HttpResponse<String> response);

        /**
         * Sends {@code request}, the one {@link #next} gave, on worker {@code worker}'s client and
         * returns the answer to judge; this is what is timed. By default the request alone; a
         * workload of several requests (a login: the form, then its post) overrides it and returns
         * the last answer.
         */
        default HttpResponse<String> send(HttpClient client, int worker, HttpRequest request)
                throws IOException, InterruptedException {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    /** The outcome of one round: counts, elapsed time, and each success's latency in nanoseconds. */
    record Measurement(long requests, long errors, double seconds, long[] latenciesNanos, String firstError) {}

    private LoadGenerator() {}

    static Measurement run(List<HttpClient> clients, Workload workload, Duration duration) {
        int workers = clients.size();
        long[][] latencies = new long[workers][];
        int[] counts = new int[workers];
        long[] errors = new long[workers];
        long[] finished = new long[workers];
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            latencies[w] = new long[4096];
            Thread thread = new Thread(
                    () -> {
                        HttpClient client = clients.get(worker);
                        while (System.nanoTime() < deadline
                                && !Thread.currentThread().isInterrupted()) {
                            HttpRequest request = workload.next(worker);
                            if (request == null) {
                                break;
                            }
                            long sent = System.nanoTime();
                            try {
                                HttpResponse<String> response = workload.send(client, worker, request);
                                long took = System.nanoTime() - sent;
                                if (workload.accept(worker, response)) {
                                    if (counts[worker] == latencies[worker].length) {
                                        latencies[worker] = Arrays.copyOf(latencies[worker], counts[worker] * 2);
                                    }
                                    latencies[worker][counts[worker]++] = took;
                                } else {
                                    errors[worker]++;
                                    firstError.compareAndSet(
                                            null,
                                            response.statusCode() == 200
                                                    ? "200 without the expected token or code"
                                                    : response.statusCode() + " " + Oidc.oauthError(response.body()));
                                }
                            } catch (IOException e) {
                                errors[worker]++;
                                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        finished[worker] = System.nanoTime();
                    },
                    "load-" + w);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        // Every request has a timeout, so a worker ends at most one timeout after the deadline.
        long joinBy = deadline
                + Oidc.REQUEST_TIMEOUT.toNanos()
                + Duration.ofSeconds(5).toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                threads.forEach(Thread::interrupt);
                throw new IllegalStateException("interrupted during a round", e);
            }
        }
        long end = Arrays.stream(finished).max().orElse(System.nanoTime());
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < workers; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        return new Measurement(total, Arrays.stream(errors).sum(), (end - start) / 1e9, all, firstError.get());
    }
}
