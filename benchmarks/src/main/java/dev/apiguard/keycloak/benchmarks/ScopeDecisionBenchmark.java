package dev.apiguard.keycloak.benchmarks;

import dev.apiguard.keycloak.abac.CompiledPolicies;
import dev.apiguard.keycloak.abac.Decision;
import dev.apiguard.keycloak.abac.PolicyCompiler;
import dev.apiguard.keycloak.abac.PolicyDocumentException;
import dev.apiguard.keycloak.abac.PolicyDocumentParser;
import dev.apiguard.keycloak.abac.PolicyInput;
import dev.apiguard.keycloak.abac.PolicyVariables;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of the ABAC decision of one request with 1, 10 and 100 policies over realistic
 * attributes, in four layouts:
 * <ul>
 *   <li>{@code same}: every policy targets the one decided scope; deny policies do not hold,
 *       permit policies fail until the last one permits. Conditions of common shapes, most of them
 *       starting with a literal test, so the policy index skips them;</li>
 *   <li>{@code unindexed}: the same, with conditions that no literal test starts (an int
 *       comparison, {@code startsWith}, {@code !=}, {@code ||}, {@code !}): every one is evaluated,
 *       by its direct form;</li>
 *   <li>{@code interpreted}: the same, with conditions that neither the index nor the direct forms
 *       recognise ({@code size}, macros, {@code matches}, a time zone): every one is evaluated by
 *       CEL's interpreter, the true worst case;</li>
 *   <li>{@code spread}: each policy targets its own scope and the request asks for three governed
 *       scopes.</li>
 * </ul>
 * The request's input is built anew for each decision, as the server does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ScopeDecisionBenchmark {

    /**
     * Condition shapes seen in real policies, cycled through and made distinct per policy by its
     * index (no two policies share a condition); none holds for the benchmark user.
     */
    private static final List<String> NOT_HOLDING = List.of(
            "'orders-admin-%d' in user.realmRoles",
            "user.attributes.department == ['finance-%d'] && user.emailVerified",
            "request.grantType == 'client_credentials' && client.id == 'batch-%d'",
            "'/partners/emea-%d' in user.groups",
            "auth.acr == 'mfa' && auth.time > %d",
            "user.attributes['cost-center'] == ['%d']",
            "client.attributes['tier'] == 'gold-%d' && request.sourceIp.startsWith('10.')",
            "now.getHours('UTC') > 24 + %d");

    /**
     * Conditions that no literal test starts, each with a direct form: evaluated one by one (the
     * policy index cannot skip them), none holds for the benchmark user.
     */
    private static final List<String> NOT_HOLDING_UNINDEXED = List.of(
            "auth.time > 1767261600 + %d",
            "request.sourceIp.startsWith('10.%d.')",
            "user.username != 'alice' && 'orders-admin-%d' in user.realmRoles",
            "user.emailVerified && '/partners/emea-%d' in user.groups",
            "!(client.id in ['demo-spa', 'batch-%d'])",
            "client.id.endsWith('-batch-%d')",
            "'orders-admin-%1$d' in user.realmRoles || user.attributes.department == ['finance-%1$d']",
            "now.getHours('UTC') > 24 + %d");

    /**
     * Conditions that neither the index nor the direct forms recognise: every one goes to CEL's
     * interpreter; none holds for the benchmark user.
     */
    private static final List<String> NOT_HOLDING_INTERPRETED = List.of(
            "size(user.groups) > 3 + %d",
            "user.realmRoles.exists(r, r == 'orders-admin-%d')",
            "user.username.matches('^admin-%d$')",
            "now.getHours('Europe/Berlin') > 24 + %d",
            "user.groups.exists(g, g.startsWith('/partners/emea-%d'))",
            "size(request.scopes) > 3 + %d",
            "user.attributes.clearance.exists(v, v == 'restricted-%d')",
            "user.groups.filter(g, g.startsWith('/lab-%d')).size() > 0");

    @Param({"1", "10", "100"})
    public int policies;

    /**
     * same, unindexed, interpreted: every policy targets the decided scope, with conditions the
     * index skips, that are each evaluated directly, or that are each interpreted; spread: a policy
     * per scope, request of 3 governed scopes.
     */
    @Param({"same", "unindexed", "interpreted", "spread"})
    public String layout;

    /**
     * Every how many policies one is a deny policy (the others, and the last, permit). The tests set
     * 1: every condition but the last in a deny policy, so that a permit proves none of them held or
     * failed to evaluate (a deny condition that fails denies).
     */
    int denyEvery = 4;

    private CompiledPolicies compiled;
    private Map<String, List<String>> attributes;
    private List<String> roles;
    private List<String> groups;
    private Map<String, String> clientAttributes;
    private List<String> requested;

    @Setup(Level.Trial)
    public void compile() throws PolicyDocumentException {
        StringBuilder document = new StringBuilder(
                "{\"apiVersion\": \"apiguard/v1\", \"protectedScopes\": [\"orders:write\"], \"policies\": [");
        List<String> notHolding = notHolding(layout);
        for (int i = 0; i < policies; i++) {
            boolean last = i == policies - 1;
            boolean deny = !last && i % denyEvery == denyEvery - 1;
            String condition = last
                    ? "user.attributes.department == ['sales'] && user.emailVerified && 'api-user' in user.realmRoles"
                    : notHolding.get(i % notHolding.size()).formatted(i);
            String scopes = !layout.equals("spread") || last ? "\"orders:write\"" : "\"s" + i + "\"";
            document.append(i == 0 ? "" : ",")
                    .append("{\"name\": \"p")
                    .append(i)
                    .append("\", \"scopes\": [")
                    .append(scopes)
                    .append("], \"effect\": \"")
                    .append(deny ? "deny" : "permit")
                    .append("\", \"condition\": \"")
                    .append(condition)
                    .append("\"}");
        }
        document.append("]}");
        compiled = PolicyCompiler.compile(PolicyDocumentParser.parse(document.toString()));
        attributes = Map.of(
                "department",
                List.of("sales"),
                "cost-center",
                List.of("4711"),
                "country",
                List.of("DE"),
                "employee-type",
                List.of("staff"),
                "manager",
                List.of("bob"),
                "locale",
                List.of("de"),
                "clearance",
                List.of("internal"),
                "site",
                List.of("berlin"));
        roles = List.of(
                "api-user", "default-roles-apiguard-demo", "offline_access", "uma_authorization", "orders-reader");
        groups = List.of("/sales", "/sales/emea", "/staff");
        clientAttributes = Map.of(
                "tier", "silver", "pkce.code.challenge.method", "S256", "access.token.header.type.rfc9068", "true");
        requested = !layout.equals("spread") || policies < 3
                ? List.of("orders:write")
                : List.of("s" + (policies / 3), "s" + (2 * policies / 3), "orders:write");
        Decision check = decide().get("orders:write");
        if (check.outcome() != Decision.Outcome.PERMIT || !check.policy().equals("p" + (policies - 1))) {
            throw new IllegalStateException("benchmark document does not decide as designed: " + check);
        }
    }

    /** The conditions of a layout's policies before the last (which holds). */
    private static List<String> notHolding(String layout) {
        return switch (layout) {
            case "same", "spread" -> NOT_HOLDING;
            case "unindexed" -> NOT_HOLDING_UNINDEXED;
            case "interpreted" -> NOT_HOLDING_INTERPRETED;
            default -> throw new IllegalArgumentException("unknown layout: " + layout);
        };
    }

    /** Decides every governed scope of the request: one scope, or three (spread). */
    @Benchmark
    public Map<String, Decision> decide() {
        PolicyInput input = PolicyInput.builder()
                .value(PolicyVariables.USER_ID, "5b1c0f3e-2d7a-4f7e-9a55-0c3b7f1d2e11")
                .value(PolicyVariables.USER_USERNAME, "alice")
                .value(PolicyVariables.USER_EMAIL_VERIFIED, true)
                .lazy(PolicyVariables.USER_ATTRIBUTES, () -> attributes)
                .lazy(PolicyVariables.USER_REALM_ROLES, () -> roles)
                .lazy(PolicyVariables.USER_GROUPS, () -> groups)
                .value(PolicyVariables.CLIENT_ID, "demo-spa")
                .lazy(PolicyVariables.CLIENT_ATTRIBUTES, () -> clientAttributes)
                .value(PolicyVariables.REQUEST_GRANT_TYPE, "authorization_code")
                .value(PolicyVariables.REQUEST_SCOPES, List.of("openid", "orders:read", "orders:write"))
                .value(PolicyVariables.REQUEST_SOURCE_IP, "192.0.2.10")
                .value(PolicyVariables.AUTH_ACR, "password")
                .value(PolicyVariables.AUTH_TIME, 1_767_261_600L)
                .value(PolicyVariables.NOW, Instant.now())
                .build();
        return compiled.decideAll(requested, "demo-spa", input, false);
    }
}
