package dev.apiguard.keycloak.benchmarks;

import dev.apiguard.keycloak.ratelimit.Decision;
import dev.apiguard.keycloak.ratelimit.Endpoint;
import dev.apiguard.keycloak.ratelimit.RateLimitDocumentParser;
import dev.apiguard.keycloak.ratelimit.RateLimitPolicy;
import dev.apiguard.keycloak.ratelimit.RateLimiter;
import dev.apiguard.keycloak.ratelimit.RequestFacts;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one rate-limit decision (issue 15 asks p99 &lt; 1 us) on a warm map of 10^5 keys: the
 * demo realm's rules on the token endpoint (tiered client rule, username rule, shadow address rule
 * counting failures, realm ceiling), each request naming one of 10^5 clients from one of 10^5
 * addresses, limits far above the load (nothing is refused). The time includes parsing and
 * aggregating the address, the four bucket lookups and the headers' values, as the filter does;
 * not the HTTP work around it. Run on a quiet machine:
 * {@code java -jar benchmarks/target/benchmarks.jar RateLimitDecisionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RateLimitDecisionBenchmark {

    static final int KEYS = 100_000;

    private RateLimitPolicy policy;
    private RequestFacts[] requests;
    private int next;

    @Setup(Level.Trial)
    public void warm() throws RateLimitDocumentParser.Invalid {
        policy = RateLimitDocumentParser.parse("""
                {"apiVersion": "apiguard/v1",
                 "tiers": {"standard": {"capacity": 1000000, "rate": "1000000/s"}}, "defaultTier": "standard",
                 "maxKeysPerRule": 200000,
                 "rules": [
                   {"name": "clients", "key": "client", "tiered": true},
                   {"name": "passwords", "key": "username", "capacity": 1000000, "rate": "1000000/s"},
                   {"name": "addresses", "key": "address", "count": "failures", "capacity": 1000000,
                    "rate": "1000000/s", "mode": "shadow"},
                   {"name": "realm", "key": "realm", "capacity": 1000000000, "rate": "1000000000/s"}]}""");
        requests = new RequestFacts[KEYS];
        for (int i = 0; i < KEYS; i++) {
            String address = "10." + (i >>> 16) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
            requests[i] = new RequestFacts(Endpoint.TOKEN, "client-" + i, null, address, null);
            RateLimiter.decide(policy, requests[i], System.nanoTime());
        }
    }

    @Benchmark
    @Threads(1)
    public boolean decide() {
        RequestFacts request = requests[next];
        next = next == KEYS - 1 ? 0 : next + 1;
        Decision decision = RateLimiter.decide(policy, request, System.nanoTime());
        return decision.refused();
    }

    @Benchmark
    @Threads(1)
    public String decideAndFormatFields() {
        RequestFacts request = requests[next];
        next = next == KEYS - 1 ? 0 : next + 1;
        return RateLimiter.decide(policy, request, System.nanoTime()).rateLimitField();
    }
}
