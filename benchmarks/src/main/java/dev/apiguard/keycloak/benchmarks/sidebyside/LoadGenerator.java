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
import java.util.concurrent.atomic.AtomicBoolean;

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

        /**
         * Whether the workload has nothing left for any worker (the round's codes are used up), as
         * opposed to one worker having nothing left (a broken refresh chain). When workloads run
         * {@linkplain #runTogether together}, the first one exhausted ends the round for all, so that
         * every workload is measured over the same seconds.
         */
        default boolean exhausted() {
            return false;
        }
    }

    /** One workload and the clients (one per connection) that send it. */
    record Job(List<HttpClient> clients, Workload workload) {}

    /** The outcome of one round: counts, elapsed time, and each success's latency in nanoseconds. */
    record Measurement(long requests, long errors, double seconds, long[] latenciesNanos, String firstError) {}

    private LoadGenerator() {}

    static Measurement run(List<HttpClient> clients, Workload workload, Duration duration) {
        return runTogether(List.of(new Job(clients, workload)), duration).get(0);
    }

    /**
     * Runs the jobs at the same time, each with its own clients, until the deadline or until one
     * job's workload is {@linkplain Workload#exhausted exhausted}; one measurement per job, in order.
     * A single job ends as {@link #run} always did: when the deadline passes or each worker has
     * nothing left.
     */
    static List<Measurement> runTogether(List<Job> jobs, Duration duration) {
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Worker[]> perJob = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            Job job = jobs.get(j);
            Worker[] workers = new Worker[job.clients().size()];
            for (int w = 0; w < workers.length; w++) {
                Worker worker = new Worker(job.clients().get(w), job.workload(), w, deadline, stop);
                workers[w] = worker;
                threads.add(new Thread(worker, "load-" + j + "-" + w));
            }
            perJob.add(workers);
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
        List<Measurement> measurements = new ArrayList<>();
        for (Worker[] workers : perJob) {
            long end = Arrays.stream(workers).mapToLong(w -> w.finished).max().orElse(System.nanoTime());
            int total = Arrays.stream(workers).mapToInt(w -> w.count).sum();
            long[] all = new long[total];
            int at = 0;
            String firstError = null;
            long errors = 0;
            for (Worker worker : workers) {
                System.arraycopy(worker.latencies, 0, all, at, worker.count);
                at += worker.count;
                errors += worker.errors;
                firstError = firstError == null ? worker.firstError : firstError;
            }
            measurements.add(new Measurement(total, errors, (end - start) / 1e9, all, firstError));
        }
        return measurements;
    }

    /** One connection's closed loop. */
    private static final class Worker implements Runnable {
        private final HttpClient client;
        private final Workload workload;
        private final int index;
        private final long deadline;
        private final AtomicBoolean stop;
        private long[] latencies = new long[4096];
        private int count;
        private long errors;
        private String firstError;
        private long finished;

        Worker(HttpClient client, Workload workload, int index, long deadline, AtomicBoolean stop) {
            this.client = client;
            this.workload = workload;
            this.index = index;
            this.deadline = deadline;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (System.nanoTime() < deadline
                    && !stop.get()
                    && !Thread.currentThread().isInterrupted()) {
                HttpRequest request = workload.next(index);
                if (request == null) {
                    if (workload.exhausted()) {
                        stop.set(true);
                    }
                    break;
                }
                long sent = System.nanoTime();
                try {
                    HttpResponse<String> response = workload.send(client, index, request);
                    long took = System.nanoTime() - sent;
                    if (workload.accept(index, response)) {
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = took;
                    } else {
                        errors++;
                        if (firstError == null) {
                            firstError = response.statusCode() == 200
                                    ? "200 without the expected token or code"
                                    : response.statusCode() + " " + Oidc.oauthError(response.body());
                        }
                    }
                } catch (IOException e) {
                    errors++;
                    if (firstError == null) {
                        firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finished = System.nanoTime();
        }
    }
}
