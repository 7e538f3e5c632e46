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
 * attributes, in two layouts: {@code same}, every policy targets the one decided scope (the worst
 * case: every condition is evaluated, deny policies do not hold, permit policies fail until the
 * last one permits); {@code spread}, each policy targets its own scope and the request asks for
 * three governed scopes. The request's input is built anew for each decision, as the server does.
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

    @Param({"1", "10", "100"})
    public int policies;

    /** same: every policy targets the decided scope (worst case); spread: a policy per scope, request of 3 governed scopes. */
    @Param({"same", "spread"})
    public String layout;

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
        for (int i = 0; i < policies; i++) {
            boolean last = i == policies - 1;
            boolean deny = !last && i % 4 == 3;
            String condition = last
                    ? "user.attributes.department == ['sales'] && user.emailVerified && 'api-user' in user.realmRoles"
                    : NOT_HOLDING.get(i % NOT_HOLDING.size()).formatted(i);
            String scopes = layout.equals("same") ? "\"orders:write\"" : last ? "\"orders:write\"" : "\"s" + i + "\"";
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
        requested = layout.equals("same") || policies < 3
                ? List.of("orders:write")
                : List.of("s" + (policies / 3), "s" + (2 * policies / 3), "orders:write");
        Decision check = decide().get("orders:write");
        if (check.outcome() != Decision.Outcome.PERMIT || !check.policy().equals("p" + (policies - 1))) {
            throw new IllegalStateException("benchmark document does not decide as designed: " + check);
        }
    }

    /** Decides every governed scope of the request: one scope (same) or three (spread). */
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
