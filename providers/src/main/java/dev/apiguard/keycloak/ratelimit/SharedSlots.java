package dev.apiguard.keycloak.ratelimit;

/**
 * State shared by the nodes of a cluster: a set of names, each claimed at most once while it
 * lives. Backed on the server by Keycloak's public {@code SingleUseObjectProvider.putIfAbsent}
 * (the cluster-wide {@code actionTokens} cache); by a map in tests.
 */
@FunctionalInterface
public interface SharedSlots {

    /**
     * Claims {@code name} for {@code lifespanSeconds}; {@code true} if this caller got it,
     * {@code false} if someone (any node) holds it.
     *
     * @throws RuntimeException when the shared state cannot be reached (the caller falls back to
     *     a per-node bucket)
     */
    boolean claim(String name, long lifespanSeconds);

    /**
     * The number of nodes that share this state, as this node sees it now, or {@code 0} when
     * unknown. Asked only when the shared state failed: each node then limits with its share of
     * each limit ({@link Limit#share}).
     */
    default int nodes() {
        return 0;
    }
}
