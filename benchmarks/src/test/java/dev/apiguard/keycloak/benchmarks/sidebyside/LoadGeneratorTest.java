package dev.apiguard.keycloak.benchmarks.sidebyside;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load generator against a small HTTP server on loopback: {@code /fast} answers at once, {@code /slow} after 5 ms. */
class LoadGeneratorTest {

    private HttpServer server;

    @BeforeAll
    static void noDelay() {
        // The JDK's server otherwise lets small answers wait for delayed ACKs (tens of ms each).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/fast", exchange -> answer(exchange, 0));
        server.createContext("/slow", exchange -> answer(exchange, 5));
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, long sleepMillis) {
        try (exchange) {
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    private static List<HttpClient> clients(int n) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }
        return clients;
    }

    /** Sends {@code path} until {@code limit} requests were handed out (then exhausted), or forever for -1. */
    private LoadGenerator.Workload workload(String path, int limit) {
        AtomicInteger handedOut = new AtomicInteger();
        return new LoadGenerator.Workload() {
            @Override
            public HttpRequest next(int worker) {
                return limit >= 0 && handedOut.getAndIncrement() >= limit ? null : request(path);
            }

            @Override
            public boolean accept(int worker, HttpResponse<String> response) {
                return response.statusCode() == 200;
            }

            @Override
            public boolean exhausted() {
                return limit >= 0 && handedOut.get() >= limit;
            }
        };
    }

    @Test
    void runTogetherWhenTwoWorkloadsThenBothOverTheSameSecondsAndTheFasterServesMore() {
        List<LoadGenerator.Measurement> measured = LoadGenerator.runTogether(
                List.of(
                        new LoadGenerator.Job(clients(2), workload("/fast", -1)),
                        new LoadGenerator.Job(clients(2), workload("/slow", -1))),
                Duration.ofMillis(1500));

        LoadGenerator.Measurement fast = measured.get(0);
        LoadGenerator.Measurement slow = measured.get(1);
        assertThat(fast.seconds()).isBetween(1.4, 2.5);
        assertThat(slow.seconds()).isBetween(1.4, 2.5);
        assertThat(fast.errors()).isZero();
        assertThat(slow.errors()).isZero();
        // Two connections each: /slow waits 5 ms per answer, so at most 2 / 5 ms = 400 per second.
        assertThat(slow.requests()).isBetween(50L, (long) (400 * slow.seconds()));
        assertThat(fast.requests()).isGreaterThan(2 * slow.requests());
        assertThat(fast.latenciesNanos()).hasSize((int) fast.requests());
    }

    @Test
    void runTogetherWhenOneWorkloadIsExhaustedThenTheRoundEndsForAll() {
        List<LoadGenerator.Measurement> measured = LoadGenerator.runTogether(
                List.of(
                        new LoadGenerator.Job(clients(2), workload("/fast", 40)),
                        new LoadGenerator.Job(clients(2), workload("/slow", -1))),
                Duration.ofSeconds(20));

        assertThat(measured.get(0).requests()).isEqualTo(40);
        // Both end when the codes-like workload runs out, far before the 20 s deadline.
        assertThat(measured.get(0).seconds()).isLessThan(5);
        assertThat(measured.get(1).seconds()).isLessThan(5);
        assertThat(measured.get(1).requests()).isPositive();
    }

    @Test
    void runWhenOneWorkerHasNothingLeftButTheWorkloadIsNotExhaustedThenTheOthersGoOnToTheDeadline() {
        // Worker 0 has nothing from the start (a broken refresh chain); worker 1 sends until the deadline.
        LoadGenerator.Workload oneChainBroken = new LoadGenerator.Workload() {
            @Override
            public HttpRequest next(int worker) {
                return worker == 0 ? null : request("/slow");
            }

            @Override
            public boolean accept(int worker, HttpResponse<String> response) {
                return response.statusCode() == 200;
            }
        };

        LoadGenerator.Measurement measured = LoadGenerator.run(clients(2), oneChainBroken, Duration.ofMillis(800));

        assertThat(measured.seconds()).isBetween(0.75, 2.0);
        assertThat(measured.requests()).isPositive();
    }
}
