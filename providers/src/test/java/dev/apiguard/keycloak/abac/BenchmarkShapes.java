package dev.apiguard.keycloak.abac;

import java.util.List;

/**
 * One condition of each shape of {@code ScopeDecisionBenchmark}'s layouts {@code unindexed} and
 * {@code interpreted} (module {@code benchmarks}), with a number filled in: what the tests pin about
 * them is what the layouts claim to measure.
 */
final class BenchmarkShapes {

    private BenchmarkShapes() {}

    /** Layout {@code unindexed}: each has a direct form and no index entry. */
    static List<String> unindexed() {
        return List.of(
                "auth.time > 1767261600 + 5",
                "request.sourceIp.startsWith('10.1.')",
                "user.username != 'alice' && 'orders-admin-2' in user.realmRoles",
                "user.emailVerified && '/partners/emea-3' in user.groups",
                "!(client.id in ['demo-spa', 'batch-4'])",
                "client.id.endsWith('-batch-5')",
                "'orders-admin-6' in user.realmRoles || user.attributes.department == ['finance-6']",
                "now.getHours('UTC') > 24 + 7");
    }

    /** Layout {@code interpreted}: neither a direct form nor an index entry. */
    static List<String> interpreted() {
        return List.of(
                "size(user.groups) > 3 + 0",
                "user.realmRoles.exists(r, r == 'orders-admin-1')",
                "user.username.matches('^admin-2$')",
                "now.getHours('Europe/Berlin') > 24 + 3",
                "user.groups.exists(g, g.startsWith('/partners/emea-4'))",
                "size(request.scopes) > 3 + 5",
                "user.attributes.clearance.exists(v, v == 'restricted-6')",
                "user.groups.filter(g, g.startsWith('/lab-7')).size() > 0");
    }
}
